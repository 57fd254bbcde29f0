package dev.switchboard.gateway.worker;

import java.util.ArrayList;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one source of truth for which workers exist. Writers (config, worker API, discovery) serialise on this
 * object and publish a new immutable {@link WorkerSnapshot}; readers on the request path only read a volatile
 * field, so they never lock.
 */
public final class WorkerRegistry {
  private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);

  /** Told about membership and health changes, on the thread that made the change. */
  public interface Listener {
    void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed);

    default void healthChanged(Worker worker, boolean healthy) {}

    /** The worker's changeable spec (priority, cost, labels, api key, bootstrap port) or its draining state changed. */
    default void workerUpdated(Worker worker) {}
  }

  private volatile WorkerSnapshot snapshot = WorkerSnapshot.EMPTY;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public WorkerSnapshot snapshot() {
    return snapshot;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Adds workers atomically; fails without changing anything if any URL is already registered. */
  public List<Worker> addAll(Collection<WorkerSpec> specs) {
    List<Worker> added = new ArrayList<>();
    WorkerSnapshot next;
    synchronized (this) {
      for (WorkerSpec spec : specs) {
        if (snapshot.byUrl(spec.url()) != null || added.stream().anyMatch(w -> w.url().equals(spec.url()))) {
          throw new IllegalArgumentException("worker " + spec.url() + " is already registered");
        }
        added.add(new Worker(spec));
      }
      List<Worker> all = new ArrayList<>(snapshot.all());
      all.addAll(added);
      next = WorkerSnapshot.of(all, snapshot.version() + 1);
      snapshot = next;
    }
    if (!added.isEmpty()) notifyChanged(next, added, List.of());
    return added;
  }

  public Worker add(WorkerSpec spec) {
    return addAll(List.of(spec)).getFirst();
  }

  public Optional<Worker> remove(String url) {
    Worker removed;
    WorkerSnapshot next;
    synchronized (this) {
      removed = snapshot.byUrl(url);
      if (removed == null) return Optional.empty();
      List<Worker> all = new ArrayList<>(snapshot.all());
      all.remove(removed);
      next = WorkerSnapshot.of(all, snapshot.version() + 1);
      snapshot = next;
    }
    notifyChanged(next, List.of(), List.of(removed));
    return Optional.of(removed);
  }

  /**
   * Changes a worker's spec in place (its live state — health, load, policy memory — is kept). The change must keep
   * url, model, type and connection: a different identity is a different worker (remove, then add).
   *
   * @return the worker, or empty when no worker has this URL
   */
  public Optional<Worker> update(String url, UnaryOperator<WorkerSpec> change) {
    Worker w;
    synchronized (this) {
      w = snapshot.byUrl(url);
      if (w == null) return Optional.empty();
      WorkerSpec before = w.spec();
      WorkerSpec after = change.apply(before);
      if (!after.url().equals(before.url()) || !after.model().equals(before.model()) || after.type() != before.type()
          || after.connection() != before.connection()) {
        throw new IllegalArgumentException("worker " + url + ": url, model, type and connection cannot change in place");
      }
      if (after.equals(before)) return Optional.of(w);
      w.respec(after);
      snapshot = WorkerSnapshot.of(snapshot.all(), snapshot.version() + 1);
    }
    log.info("worker {} updated: priority {}, cost {}, labels {}", url, w.priority(), w.cost(), w.labels());
    for (Listener l : listeners) l.workerUpdated(w);
    return Optional.of(w);
  }

  /** Stops ({@code true}) or resumes new requests to a worker without removing it; empty when unknown. */
  public Optional<Worker> setDraining(String url, boolean draining) {
    Worker w = snapshot.byUrl(url);
    if (w == null) return Optional.empty();
    if (w.draining() == draining) return Optional.of(w);
    if (draining) w.startDrain(); else w.stopDrain();
    log.info("worker {} {}", url, draining ? "is draining (no new requests)" : "takes requests again");
    for (Listener l : listeners) l.workerUpdated(w);
    return Optional.of(w);
  }

  /**
   * Graceful removal: no new requests from now on; the worker leaves the registry once its in-flight requests have
   * finished, or after {@code bound} at the latest. The future completes with the removed worker (empty when the
   * URL was unknown, or when the worker was removed by someone else meanwhile).
   */
  public CompletableFuture<Optional<Worker>> drainAndRemove(String url, Duration bound) {
    Worker w = snapshot.byUrl(url);
    if (w == null) return CompletableFuture.completedFuture(Optional.empty());
    boolean wasDraining = w.draining();
    CompletableFuture<Void> idle = w.startDrain();
    if (!wasDraining) {
      log.info("worker {} is draining before removal ({} in flight)", url, w.inFlight());
      for (Listener l : listeners) l.workerUpdated(w);
    }
    return idle.completeOnTimeout(null, bound.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(v -> {
          if (w.inFlight() > 0) log.warn("worker {} still has {} in flight after {}s of draining; removing it", url, w.inFlight(), bound.toSeconds());
          return removeIfSame(w);
        });
  }

  /** Removes exactly this worker object (not a later worker registered under the same URL). */
  private Optional<Worker> removeIfSame(Worker w) {
    WorkerSnapshot next;
    synchronized (this) {
      if (snapshot.byUrl(w.url()) != w) return Optional.empty();
      List<Worker> all = new ArrayList<>(snapshot.all());
      all.remove(w);
      next = WorkerSnapshot.of(all, snapshot.version() + 1);
      snapshot = next;
    }
    log.info("worker {} removed", w.url());
    notifyChanged(next, List.of(), List.of(w));
    return Optional.of(w);
  }

  /** Records a health verdict; listeners hear about it only when the state flips. */
  public void setHealthy(Worker worker, boolean healthy) {
    if (worker.setHealthy(healthy)) {
      log.info("worker {} is now {}", worker.url(), healthy ? "healthy" : "unhealthy");
      for (Listener l : listeners) l.healthChanged(worker, healthy);
    }
  }

  private void notifyChanged(WorkerSnapshot s, List<Worker> added, List<Worker> removed) {
    for (Listener l : listeners) l.workersChanged(s, added, removed);
  }
}
