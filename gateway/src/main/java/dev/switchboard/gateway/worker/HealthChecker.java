package dev.switchboard.gateway.worker;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Probes every worker on a fixed interval, all at once (a slow worker never delays the others), and flips health
 * by thresholds. It never removes a worker: unhealthy workers are skipped by routing and come back by themselves.
 */
public final class HealthChecker implements WorkerRegistry.Listener, AutoCloseable {
  private final WorkerRegistry registry;
  private final HealthSettings settings;
  private final Map<ConnectionMode, HealthProbe> probes;
  private final Map<Worker, Streak> streaks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "switchboard-health");
    t.setDaemon(true);
    return t;
  });

  /** Consecutive outcomes of one worker; only the probe callbacks of that worker touch it. */
  private static final class Streak {
    int successes;
    int failures;
    boolean inFlight;
  }

  public HealthChecker(WorkerRegistry registry, HealthSettings settings, Map<ConnectionMode, HealthProbe> probes) {
    this.registry = registry;
    this.settings = settings;
    this.probes = new EnumMap<>(probes);
  }

  public void start() {
    registry.addListener(this);
    registry.snapshot().all().forEach(this::probe);
    long ms = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(() -> registry.snapshot().all().forEach(this::probe), ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    removed.forEach(streaks::remove);
    added.forEach(w -> timer.execute(() -> probe(w)));
  }

  /** Probes one worker now (also used to re-check a worker right after it was added). */
  public void probe(Worker worker) {
    HealthProbe probe = probes.get(worker.connection());
    if (probe == null) return;
    Streak streak = streaks.computeIfAbsent(worker, w -> new Streak());
    synchronized (streak) {
      if (streak.inFlight) return;
      streak.inFlight = true;
    }
    probe.check(worker).whenComplete((ok, err) -> record(worker, streak, err == null && Boolean.TRUE.equals(ok)));
  }

  private void record(Worker worker, Streak streak, boolean ok) {
    Boolean verdict = null;
    synchronized (streak) {
      streak.inFlight = false;
      if (registry.snapshot().byUrl(worker.url()) != worker) return; // removed meanwhile
      if (ok) {
        streak.successes++;
        streak.failures = 0;
      } else {
        streak.failures++;
        streak.successes = 0;
      }
      if (!worker.everChecked()) {
        verdict = ok;
      } else if (worker.isHealthy() && streak.failures >= settings.failureThreshold()) {
        verdict = false;
      } else if (!worker.isHealthy() && streak.successes >= settings.successThreshold()) {
        verdict = true;
      }
      if (verdict != null) {
        streak.successes = 0;
        streak.failures = 0;
      }
    }
    if (verdict != null) registry.setHealthy(worker, verdict);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
