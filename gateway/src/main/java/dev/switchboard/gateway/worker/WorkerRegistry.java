package dev.switchboard.gateway.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
