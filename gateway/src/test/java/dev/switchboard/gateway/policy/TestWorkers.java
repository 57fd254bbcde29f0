package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Healthy workers of one pool in a real registry, and requests with headers, for policy tests. */
public final class TestWorkers {
  private final WorkerRegistry registry = new WorkerRegistry();

  public Worker add(String url) {
    return add(WorkerSpec.of(url, "m", WorkerType.REGULAR, ConnectionMode.HTTP));
  }

  public Worker add(WorkerSpec spec) {
    Worker w = registry.add(spec);
    registry.setHealthy(w, true);
    return w;
  }

  public List<Worker> add(int n) {
    List<Worker> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(add("http://w" + i + ":8000"));
    return out;
  }

  public WorkerRegistry registry() { return registry; }

  public void setHealthy(Worker w, boolean healthy) { registry.setHealthy(w, healthy); }

  /** Holds {@code n} requests in flight on {@code w}. */
  public static void load(Worker w, int n) {
    for (int i = 0; i < n; i++) w.lease();
  }

  public static SelectionContext request(String text, Map<String, String> headers, String user) {
    return new SelectionContext() {
      @Override public String model() { return "m"; }
      @Override public String routingText() { return text; }
      @Override public String header(String name) { return headers.get(name.toLowerCase(java.util.Locale.ROOT)); }
      @Override public String user() { return user; }
    };
  }

  public static SelectionContext text(String text) {
    return request(text, Map.of(), null);
  }
}
