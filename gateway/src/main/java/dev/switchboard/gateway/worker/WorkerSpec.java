package dev.switchboard.gateway.worker;

import java.util.Map;
import java.util.Objects;

/**
 * The declared shape of one worker, as a deployment file, the worker API or discovery describes it.
 *
 * @param bootstrapPort the prefill worker's disaggregation bootstrap port, or {@code null}
 * @param apiKey the key the gateway presents to this worker ({@code Authorization: Bearer}), or {@code null}
 * @param priority higher is preferred (default 50, as in the reference gateway)
 * @param cost relative cost of one request on this worker (default 1.0)
 * @param kvEvents where the worker publishes its KV events, or {@code null} (then asked of its
 *     {@code /get_server_info}, see {@code kv.KvEventsService})
 */
public record WorkerSpec(
    String url,
    String model,
    WorkerType type,
    ConnectionMode connection,
    Integer bootstrapPort,
    int priority,
    double cost,
    String apiKey,
    Map<String, String> labels,
    KvEventsSpec kvEvents) {

  /** The model of a worker whose model the gateway must ask the worker for ({@code GET /v1/models}). */
  public static final String DISCOVER_MODEL = "";

  public static final int DEFAULT_PRIORITY = 50;
  public static final double DEFAULT_COST = 1.0;

  /** The spec without KV events (they may still be discovered). */
  public WorkerSpec(String url, String model, WorkerType type, ConnectionMode connection, Integer bootstrapPort,
      int priority, double cost, String apiKey, Map<String, String> labels) {
    this(url, model, type, connection, bootstrapPort, priority, cost, apiKey, labels, null);
  }

  public WorkerSpec {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(connection, "connection");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static WorkerSpec of(String url, String model, WorkerType type, ConnectionMode connection) {
    return new WorkerSpec(url, model, type, connection, null, DEFAULT_PRIORITY, DEFAULT_COST, null, Map.of());
  }

  /** Whether the model is still to be asked of the worker. */
  public boolean discoversModel() {
    return model.isEmpty();
  }

  public WorkerSpec withModel(String m) {
    return new WorkerSpec(url, m, type, connection, bootstrapPort, priority, cost, apiKey, labels, kvEvents);
  }

  public WorkerSpec withBootstrapPort(Integer port) {
    return new WorkerSpec(url, model, type, connection, port, priority, cost, apiKey, labels, kvEvents);
  }

  public WorkerSpec withApiKey(String key) {
    return new WorkerSpec(url, model, type, connection, bootstrapPort, priority, cost, key, labels, kvEvents);
  }

  public WorkerSpec withPriority(int p) {
    return new WorkerSpec(url, model, type, connection, bootstrapPort, p, cost, apiKey, labels, kvEvents);
  }

  public WorkerSpec withCost(double c) {
    return new WorkerSpec(url, model, type, connection, bootstrapPort, priority, c, apiKey, labels, kvEvents);
  }

  public WorkerSpec withKvEvents(KvEventsSpec k) {
    return new WorkerSpec(url, model, type, connection, bootstrapPort, priority, cost, apiKey, labels, k);
  }

  /** {@code apiKey} is a secret: keep it out of logs and dumps. */
  @Override
  public String toString() {
    return "WorkerSpec[" + url + " " + model + " " + type.wireName() + "/" + connection.wireName() + "]";
  }
}
