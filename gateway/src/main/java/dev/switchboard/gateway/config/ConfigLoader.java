package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.Policies;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.KvEventsSpec;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a YAML deployment file into a {@link DeploymentConfig}. Every error is one line naming the file, the line
 * and the field path, e.g. {@code deploy.yaml line 7: workers[2].type: unknown worker type 'prefil' ...}.
 * Binding is explicit (no reflection) so that each field gets its own check and message.
 */
public final class ConfigLoader {
  private static final Set<String> TOP_FIELDS = Set.of("gateway", "models", "workers", "discovery");
  private static final Set<String> GATEWAY_FIELDS = Set.of("host", "port", "policy", "request_timeout_secs",
      "connect_timeout_secs", "timeouts", "max_payload_bytes", "api_key", "health_check", "retry",
      "admin_api_key", "metrics_require_admin_key", "worker_allowlist", "readiness", "drain_timeout_secs",
      "api_keys", "access_log", "circuit_breaker", "admission", "front");
  private static final Set<String> FRONT_FIELDS = Set.of("header_timeout_secs", "body_timeout_secs", "keep_alive_idle_secs", "max_connections");
  private static final Set<String> CLIENT_KEY_FIELDS = Set.of("name", "key", "key_file", "rpm", "tpm", "priority");
  /** Tenant names the gateway uses itself: requests without keys, refused keys, the single {@code api_key}. */
  public static final Set<String> RESERVED_TENANTS = Set.of("anonymous", "unauthenticated", "default");
  private static final Set<String> SECRET_FIELDS = Set.of("key", "key_file");
  private static final Set<String> DISCOVERY_FIELDS = Set.of("kubernetes");
  private static final Set<String> KUBERNETES_FIELDS = Set.of("namespace", "namespaces", "selector", "prefill_selector",
      "decode_selector", "port", "model_label", "bootstrap_port_annotation", "connection_annotation", "resync_secs",
      "debounce_ms");
  private static final Set<String> HEALTH_FIELDS = Set.of("interval_secs", "timeout_secs", "failure_threshold",
      "success_threshold", "endpoint");
  private static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "backoff_ms", "max_backoff_ms", "budget_ratio");
  private static final Set<String> BREAKER_FIELDS = Set.of("failure_threshold", "window_secs", "open_secs", "half_open_requests");
  private static final Set<String> ADMISSION_FIELDS = Set.of("max_concurrent", "queue_size", "queue_timeout_secs");
  private static final Set<String> TIMEOUT_FIELDS = Set.of("connect_secs", "first_byte_secs", "idle_secs", "total_secs");
  private static final Set<String> MODEL_FIELDS = Set.of("policy", "prefill_policy", "decode_policy", "tokenizer",
      "reasoning_parser", "tool_parser", "timeouts", "retry", "circuit_breaker", "admission", "drain_timeout_secs");
  private static final Set<String> WORKER_FIELDS = Set.of("url", "model", "type", "connection", "bootstrap_port",
      "priority", "cost", "api_key", "labels", "kv_events");
  private static final Set<String> KV_EVENTS_FIELDS = Set.of("endpoint", "replay_endpoint", "topic");

  private final String source;
  private final Secrets secrets;

  private ConfigLoader(String source, Secrets secrets) {
    this.source = source;
    this.secrets = secrets;
  }

  /** Loads and validates a deployment file. */
  public static DeploymentConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), Secrets.fromEnvironment(dir == null ? Path.of("") : dir));
  }

  /** Parses and validates deployment YAML; {@code sourceName} prefixes error messages. */
  public static DeploymentConfig parse(String yaml, String sourceName) {
    return parse(yaml, sourceName, Secrets.fromEnvironment(Path.of("")));
  }

  /** As {@link #parse(String, String)}, with keys ({@code ${ENV}}, {@code key_file}) resolved by {@code secrets}. */
  public static DeploymentConfig parse(String yaml, String sourceName, Secrets secrets) {
    return new ConfigLoader(sourceName, secrets).parse(yaml);
  }

  /**
   * Validates one worker given as YAML or JSON (the worker API's body) by exactly the rules of a deployment file's
   * {@code workers[]} entry; a {@link ConfigException} names the field ({@code worker.type}).
   */
  public static WorkerSpec parseWorker(String yamlOrJson, String sourceName) {
    ConfigLoader loader = new ConfigLoader(sourceName, Secrets.fromEnvironment(Path.of("")));
    Node root = loader.compose(yamlOrJson);
    if (root == null) throw new ConfigException(sourceName + ": empty (expected a worker)", "worker");
    return loader.worker(root, "worker");
  }

  private Node compose(String yaml) {
    try {
      return new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(source + " line " + line + ": not valid YAML: " + e.getProblem());
    } catch (RuntimeException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
    }
  }

  private DeploymentConfig parse(String yaml) {
    Node root = compose(yaml);
    if (root == null) throw new ConfigException(source + ": the file is empty (expected a 'workers:' list)");
    Map<String, NodeTuple> top = mapping(root, "(top level)", TOP_FIELDS);

    GatewaySettings gateway = top.containsKey("gateway") ? gateway(top.get("gateway").getValueNode()) : GatewaySettings.DEFAULTS;
    Map<String, ModelSettings> models = top.containsKey("models") ? models(top.get("models").getValueNode(), gateway) : Map.of();
    List<WorkerSpec> workers = top.containsKey("workers") ? workers(top.get("workers").getValueNode()) : List.of();
    FleetSettings fleet = top.containsKey("gateway") ? fleet(top.get("gateway").getValueNode()) : FleetSettings.DEFAULTS;
    KubernetesDiscoverySettings kubernetes = top.containsKey("discovery") ? discovery(top.get("discovery").getValueNode()) : null;
    return new DeploymentConfig(gateway, models, workers, fleet, kubernetes);
  }

  // ---- gateway: fleet management ----

  private FleetSettings fleet(Node node) {
    Map<String, NodeTuple> m = mapping(node, "gateway", GATEWAY_FIELDS);
    FleetSettings d = FleetSettings.DEFAULTS;
    String admin = m.containsKey("admin_api_key") ? secret(m, "admin_api_key", "gateway.admin_api_key") : d.adminApiKey();
    boolean metricsNeedKey = m.containsKey("metrics_require_admin_key")
        ? bool(m, "metrics_require_admin_key", "gateway.metrics_require_admin_key") : d.metricsRequireAdminKey();
    WorkerAllowlist allowlist = d.workerAllowlist();
    if (m.containsKey("worker_allowlist")) {
      Node v = m.get("worker_allowlist").getValueNode();
      try {
        allowlist = WorkerAllowlist.of(strings(v, "gateway.worker_allowlist"));
      } catch (IllegalArgumentException e) {
        throw error(v, "gateway.worker_allowlist", e.getMessage());
      }
    }
    FleetSettings.Readiness readiness = d.readiness();
    if (m.containsKey("readiness")) {
      String r = string(m, "readiness", "gateway.readiness");
      readiness = switch (r) {
        case "any" -> FleetSettings.Readiness.ANY;
        case "all" -> FleetSettings.Readiness.ALL;
        default -> throw error(m.get("readiness").getValueNode(), "gateway.readiness", "'" + r + "' is not a readiness mode (expected any or all)");
      };
    }
    Duration drain = m.containsKey("drain_timeout_secs")
        ? Duration.ofSeconds(integer(m, "drain_timeout_secs", "gateway.drain_timeout_secs", 0, 86_400)) : d.drainTimeout();
    return new FleetSettings(admin, metricsNeedKey, allowlist, readiness, drain);
  }

  /** A key: a value, {@code ${ENV_VAR}}, or {@code {key_file: path}} / {@code {key: value}} (see {@link Secrets}). */
  private String secret(Map<String, NodeTuple> m, String key, String field) {
    Node v = m.get(key).getValueNode();
    if (v instanceof ScalarNode s) {
      try {
        return secrets.value(s.getValue());
      } catch (IllegalArgumentException e) {
        throw error(v, field, e.getMessage());
      }
    }
    return keyOrKeyFile(mapping(v, field, SECRET_FIELDS), v, field);
  }

  /**
   * Exactly one of {@code key} ({@code ${ENV_VAR}} allowed) and {@code key_file} from a mapping that may hold other
   * fields too (e.g. a client key's {@code name}, {@code rpm}).
   */
  private String keyOrKeyFile(Map<String, NodeTuple> m, Node node, String field) {
    boolean hasKey = m.containsKey("key");
    if (hasKey == m.containsKey("key_file")) throw error(node, field, "give exactly one of key or key_file");
    String f = field + (hasKey ? ".key" : ".key_file");
    try {
      return hasKey ? secrets.value(string(m, "key", f)) : secrets.file(string(m, "key_file", f));
    } catch (IllegalArgumentException e) {
      throw error(m.get(hasKey ? "key" : "key_file").getValueNode(), f, e.getMessage());
    }
  }

  private boolean bool(Map<String, NodeTuple> m, String key, String field) {
    String s = string(m, key, field);
    if (s.equals("true")) return true;
    if (s.equals("false")) return false;
    throw error(m.get(key).getValueNode(), field, "'" + s + "' is not true or false");
  }

  private List<String> strings(Node node, String field) {
    if (!(node instanceof SequenceNode seq)) throw error(node, field, "must be a list");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      if (!(seq.getValue().get(i) instanceof ScalarNode s)) throw error(seq.getValue().get(i), field + "[" + i + "]", "must be a single value");
      out.add(s.getValue());
    }
    return out;
  }

  // ---- discovery ----

  private KubernetesDiscoverySettings discovery(Node node) {
    Map<String, NodeTuple> d = mapping(node, "discovery", DISCOVERY_FIELDS);
    if (!d.containsKey("kubernetes")) return null;
    String f = "discovery.kubernetes";
    Node kNode = d.get("kubernetes").getValueNode();
    Map<String, NodeTuple> m = mapping(kNode, f, KUBERNETES_FIELDS);
    if (m.containsKey("namespace") && m.containsKey("namespaces")) {
      throw error(m.get("namespaces").getKeyNode(), f + ".namespaces", "give namespace or namespaces, not both");
    }
    List<String> namespaces = m.containsKey("namespace") ? List.of(string(m, "namespace", f + ".namespace"))
        : m.containsKey("namespaces") ? strings(m.get("namespaces").getValueNode(), f + ".namespaces") : List.of();
    Map<String, String> selector = m.containsKey("selector") ? labels(m.get("selector").getValueNode(), f + ".selector") : Map.of();
    Map<String, String> prefill = m.containsKey("prefill_selector") ? labels(m.get("prefill_selector").getValueNode(), f + ".prefill_selector") : Map.of();
    Map<String, String> decode = m.containsKey("decode_selector") ? labels(m.get("decode_selector").getValueNode(), f + ".decode_selector") : Map.of();
    if (selector.isEmpty() && prefill.isEmpty() && decode.isEmpty()) {
      throw error(kNode, f + ".selector", "is required (or prefill_selector / decode_selector): an empty selector would match no pod");
    }
    if (prefill.isEmpty() != decode.isEmpty()) {
      String missing = prefill.isEmpty() ? "prefill_selector" : "decode_selector";
      throw error(kNode, f + "." + missing, "is required too: a prefill/decode pool needs both");
    }
    int port = m.containsKey("port") ? (int) integer(m, "port", f + ".port", 1, 65535) : 8000;
    String modelLabel = m.containsKey("model_label") ? string(m, "model_label", f + ".model_label") : null;
    String bootstrap = m.containsKey("bootstrap_port_annotation") ? string(m, "bootstrap_port_annotation", f + ".bootstrap_port_annotation")
        : KubernetesDiscoverySettings.DEFAULT_BOOTSTRAP_ANNOTATION;
    String connection = m.containsKey("connection_annotation") ? string(m, "connection_annotation", f + ".connection_annotation")
        : KubernetesDiscoverySettings.DEFAULT_CONNECTION_ANNOTATION;
    Duration resync = Duration.ofSeconds(m.containsKey("resync_secs") ? integer(m, "resync_secs", f + ".resync_secs", 1, 86_400) : 60);
    Duration debounce = Duration.ofMillis(m.containsKey("debounce_ms") ? integer(m, "debounce_ms", f + ".debounce_ms", 0, 60_000) : 500);
    return new KubernetesDiscoverySettings(namespaces, selector, prefill, decode, port, modelLabel, bootstrap, connection, resync, debounce);
  }

  // ---- gateway ----

  private GatewaySettings gateway(Node node) {
    Map<String, NodeTuple> m = mapping(node, "gateway", GATEWAY_FIELDS);
    GatewaySettings g = GatewaySettings.DEFAULTS;
    if (m.containsKey("host")) g = g.withHost(string(m, "host", "gateway.host"));
    if (m.containsKey("port")) g = g.withPort((int) integer(m, "port", "gateway.port", 1, 65535));
    if (m.containsKey("policy")) g = g.withPolicy(policy(m.get("policy").getValueNode(), "gateway.policy"));
    Timeouts t = g.timeouts();
    // request_timeout_secs / connect_timeout_secs: the keys before gateway.timeouts, still honoured
    if (m.containsKey("request_timeout_secs")) {
      Duration d = Duration.ofSeconds(integer(m, "request_timeout_secs", "gateway.request_timeout_secs", 1, 86_400));
      t = t.withFirstByte(d).withIdle(d);
    }
    if (m.containsKey("connect_timeout_secs")) {
      t = t.withConnect(Duration.ofSeconds(integer(m, "connect_timeout_secs", "gateway.connect_timeout_secs", 1, 3_600)));
    }
    if (m.containsKey("timeouts")) t = timeouts(m.get("timeouts").getValueNode(), "gateway.timeouts", t);
    g = g.withTimeouts(t);
    if (m.containsKey("max_payload_bytes")) {
      g = g.withMaxPayloadBytes(integer(m, "max_payload_bytes", "gateway.max_payload_bytes", 1024, 1L << 31));
    }
    if (m.containsKey("api_key")) g = g.withApiKey(secret(m, "api_key", "gateway.api_key"));
    if (m.containsKey("api_keys")) g = g.withApiKeys(clientKeys(m.get("api_keys").getValueNode()));
    if (m.containsKey("access_log")) g = g.withAccessLog(bool(m, "access_log", "gateway.access_log"));
    if (m.containsKey("health_check")) g = g.withHealth(health(m.get("health_check").getValueNode()));
    if (m.containsKey("retry")) g = g.withRetry(retry(m.get("retry").getValueNode(), "gateway.retry", g.retry()));
    if (m.containsKey("circuit_breaker")) {
      g = g.withCircuitBreaker(breaker(m.get("circuit_breaker").getValueNode(), "gateway.circuit_breaker", g.circuitBreaker()));
    }
    if (m.containsKey("admission")) g = g.withAdmission(admission(m.get("admission").getValueNode(), "gateway.admission", g.admission()));
    // One key, two drains: this one is the gateway's own (SIGTERM, POST /drain); fleet() reads it for removed workers.
    if (m.containsKey("drain_timeout_secs")) g = g.withDrainTimeout(drainTimeout(m, "gateway.drain_timeout_secs"));
    if (m.containsKey("front")) g = g.withFront(front(m.get("front").getValueNode()));
    return g;
  }

  private List<ClientKey> clientKeys(Node node) {
    if (!(node instanceof SequenceNode seq)) throw error(node, "gateway.api_keys", "must be a list of {name, key | key_file, rpm, tpm, priority}");
    List<ClientKey> out = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> keys = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String f = "gateway.api_keys[" + i + "]";
      Map<String, NodeTuple> m = mapping(item, f, CLIENT_KEY_FIELDS);
      if (!m.containsKey("name")) throw error(item, f + ".name", "is required (the tenant's name in metrics and logs)");
      String name = string(m, "name", f + ".name");
      Node nameNode = m.get("name").getValueNode();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
        throw error(nameNode, f + ".name", "'" + name + "' must be 1-64 letters, digits, '_', '.' or '-'");
      }
      if (RESERVED_TENANTS.contains(name)) throw error(nameNode, f + ".name", "'" + name + "' is reserved (" + String.join(", ", new TreeSet<>(RESERVED_TENANTS)) + ")");
      Integer dup = names.putIfAbsent(name, i);
      if (dup != null) throw error(nameNode, f + ".name", "duplicate name '" + name + "' (also gateway.api_keys[" + dup + "])");
      String key = keyOrKeyFile(m, item, f);
      Integer same = keys.putIfAbsent(key, i);
      if (same != null) throw error(item, f + ".key", "the same key as gateway.api_keys[" + same + "]: each tenant needs its own key");
      long rpm = m.containsKey("rpm") ? integer(m, "rpm", f + ".rpm", 0, 100_000_000) : 0;
      long tpm = m.containsKey("tpm") ? integer(m, "tpm", f + ".tpm", 0, 100_000_000_000L) : 0;
      int priority = m.containsKey("priority") ? (int) integer(m, "priority", f + ".priority", 0, 1_000_000) : 0;
      out.add(new ClientKey(name, key, rpm, tpm, priority));
    }
    return out;
  }

  /** A {@code timeouts:} mapping; keys left out keep {@code base}'s value. Zero means no limit. */
  private Timeouts timeouts(Node node, String field, Timeouts base) {
    Map<String, NodeTuple> m = mapping(node, field, TIMEOUT_FIELDS);
    Timeouts t = base;
    if (m.containsKey("connect_secs")) t = t.withConnect(Duration.ofSeconds(integer(m, "connect_secs", field + ".connect_secs", 0, 3_600)));
    if (m.containsKey("first_byte_secs")) t = t.withFirstByte(Duration.ofSeconds(integer(m, "first_byte_secs", field + ".first_byte_secs", 0, 86_400)));
    if (m.containsKey("idle_secs")) t = t.withIdle(Duration.ofSeconds(integer(m, "idle_secs", field + ".idle_secs", 0, 86_400)));
    if (m.containsKey("total_secs")) t = t.withTotal(Duration.ofSeconds(integer(m, "total_secs", field + ".total_secs", 0, 604_800)));
    return t;
  }

  // ---- fault containment (gateway-wide, or per model on top of the gateway's values) ----

  private RetrySettings retry(Node node, String f, RetrySettings base) {
    Map<String, NodeTuple> r = mapping(node, f, RETRY_FIELDS);
    int attempts = r.containsKey("max_attempts") ? (int) integer(r, "max_attempts", f + ".max_attempts", 1, 20) : base.maxAttempts();
    Duration backoff = r.containsKey("backoff_ms") ? Duration.ofMillis(integer(r, "backoff_ms", f + ".backoff_ms", 0, 60_000)) : base.backoff();
    Duration max = r.containsKey("max_backoff_ms") ? Duration.ofMillis(integer(r, "max_backoff_ms", f + ".max_backoff_ms", 0, 600_000)) : base.maxBackoff();
    if (max.compareTo(backoff) < 0) {
      if (!r.containsKey("max_backoff_ms")) {
        max = backoff; // only backoff_ms was raised: the cap follows it
      } else {
        throw error(r.get("max_backoff_ms").getValueNode(), f + ".max_backoff_ms", max.toMillis() + " is below backoff_ms " + backoff.toMillis());
      }
    }
    double ratio = base.budgetRatio();
    if (r.containsKey("budget_ratio")) {
      ratio = number(r, "budget_ratio", f + ".budget_ratio");
      if (ratio > 1.0) throw error(r.get("budget_ratio").getValueNode(), f + ".budget_ratio", ratio + " is out of range [0, 1]");
    }
    return new RetrySettings(attempts, backoff, max, ratio);
  }

  private BreakerSettings breaker(Node node, String f, BreakerSettings base) {
    Map<String, NodeTuple> b = mapping(node, f, BREAKER_FIELDS);
    int threshold = b.containsKey("failure_threshold") ? (int) integer(b, "failure_threshold", f + ".failure_threshold", 0, 100_000) : base.failureThreshold();
    Duration window = b.containsKey("window_secs") ? Duration.ofSeconds(integer(b, "window_secs", f + ".window_secs", 1, 86_400)) : base.window();
    Duration open = b.containsKey("open_secs") ? Duration.ofSeconds(integer(b, "open_secs", f + ".open_secs", 1, 86_400)) : base.open();
    int probes = b.containsKey("half_open_requests") ? (int) integer(b, "half_open_requests", f + ".half_open_requests", 1, 1000) : base.halfOpenRequests();
    return new BreakerSettings(threshold, window, open, probes);
  }

  private AdmissionSettings admission(Node node, String f, AdmissionSettings base) {
    Map<String, NodeTuple> a = mapping(node, f, ADMISSION_FIELDS);
    int max = a.containsKey("max_concurrent") ? (int) integer(a, "max_concurrent", f + ".max_concurrent", 0, 10_000_000) : base.maxConcurrent();
    int queue = a.containsKey("queue_size") ? (int) integer(a, "queue_size", f + ".queue_size", 0, 10_000_000) : base.queueSize();
    Duration timeout = a.containsKey("queue_timeout_secs")
        ? Duration.ofSeconds(integer(a, "queue_timeout_secs", f + ".queue_timeout_secs", 1, 86_400)) : base.queueTimeout();
    return new AdmissionSettings(max, queue, timeout);
  }

  private FrontSettings front(Node node) {
    Map<String, NodeTuple> m = mapping(node, "gateway.front", FRONT_FIELDS);
    FrontSettings d = FrontSettings.DEFAULTS;
    Duration header = m.containsKey("header_timeout_secs") ? Duration.ofSeconds(integer(m, "header_timeout_secs", "gateway.front.header_timeout_secs", 1, 3_600)) : d.headerTimeout();
    Duration body = m.containsKey("body_timeout_secs") ? Duration.ofSeconds(integer(m, "body_timeout_secs", "gateway.front.body_timeout_secs", 1, 3_600)) : d.bodyTimeout();
    Duration idle = m.containsKey("keep_alive_idle_secs") ? Duration.ofSeconds(integer(m, "keep_alive_idle_secs", "gateway.front.keep_alive_idle_secs", 1, 86_400)) : d.keepAliveIdle();
    int max = m.containsKey("max_connections") ? (int) integer(m, "max_connections", "gateway.front.max_connections", 1, 10_000_000) : d.maxConnections();
    return new FrontSettings(header, body, idle, max);
  }

  private Duration drainTimeout(Map<String, NodeTuple> m, String f) {
    return Duration.ofSeconds(integer(m, "drain_timeout_secs", f, 0, 86_400));
  }

  private HealthSettings health(Node node) {
    Map<String, NodeTuple> m = mapping(node, "gateway.health_check", HEALTH_FIELDS);
    HealthSettings d = HealthSettings.DEFAULTS;
    long interval = m.containsKey("interval_secs") ? integer(m, "interval_secs", "gateway.health_check.interval_secs", 1, 86_400) : d.interval().toSeconds();
    long timeout = m.containsKey("timeout_secs") ? integer(m, "timeout_secs", "gateway.health_check.timeout_secs", 1, 3_600) : d.timeout().toSeconds();
    int failures = m.containsKey("failure_threshold") ? (int) integer(m, "failure_threshold", "gateway.health_check.failure_threshold", 1, 1000) : d.failureThreshold();
    int successes = m.containsKey("success_threshold") ? (int) integer(m, "success_threshold", "gateway.health_check.success_threshold", 1, 1000) : d.successThreshold();
    String endpoint = m.containsKey("endpoint") ? string(m, "endpoint", "gateway.health_check.endpoint") : d.endpoint();
    if (!endpoint.startsWith("/")) throw error(m.get("endpoint").getValueNode(), "gateway.health_check.endpoint", "must start with '/'");
    return new HealthSettings(Duration.ofSeconds(interval), Duration.ofSeconds(timeout), failures, successes, endpoint);
  }

  private PolicySpec policy(Node node, String field) {
    String name;
    Map<String, Object> params = new LinkedHashMap<>();
    if (node instanceof ScalarNode s) {
      name = s.getValue();
    } else if (node instanceof MappingNode mn) {
      Node nameNode = null;
      for (NodeTuple t : mn.getValue()) {
        String key = keyOf(t, field);
        if (key.equals("name")) {
          nameNode = t.getValueNode();
        } else if (t.getValueNode() instanceof ScalarNode v) {
          params.put(key, scalarValue(v));
        } else {
          throw error(t.getValueNode(), field + "." + key, "must be a single value");
        }
      }
      if (!(nameNode instanceof ScalarNode sn)) throw error(node, field + ".name", "is required (the policy's name)");
      name = sn.getValue();
      node = nameNode;
    } else {
      throw error(node, field, "must be a policy name or a mapping with 'name' and parameters");
    }
    if (!PolicySpec.NAMES.contains(name)) {
      throw error(node, field, "unknown policy '" + name + "' (known: " + String.join(", ", new TreeSet<>(PolicySpec.NAMES)) + ")");
    }
    PolicySpec spec = new PolicySpec(name, params);
    try {
      Policies.validate(spec);
    } catch (IllegalArgumentException e) {
      throw error(node, field, e.getMessage());
    }
    return spec;
  }

  private static Object scalarValue(ScalarNode v) {
    String s = v.getValue();
    if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException ignored) {
      // not an integer
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException ignored) {
      return s;
    }
  }

  // ---- models ----

  private Map<String, ModelSettings> models(Node node, GatewaySettings gateway) {
    if (!(node instanceof MappingNode mn)) throw error(node, "models", "must be a mapping of model name to settings");
    Map<String, ModelSettings> out = new LinkedHashMap<>();
    for (NodeTuple t : mn.getValue()) {
      String model = keyOf(t, "models");
      String f = "models." + model;
      Map<String, NodeTuple> m = mapping(t.getValueNode(), f, MODEL_FIELDS);
      out.put(model, new ModelSettings(
          m.containsKey("policy") ? policy(m.get("policy").getValueNode(), f + ".policy") : null,
          m.containsKey("prefill_policy") ? policy(m.get("prefill_policy").getValueNode(), f + ".prefill_policy") : null,
          m.containsKey("decode_policy") ? policy(m.get("decode_policy").getValueNode(), f + ".decode_policy") : null,
          m.containsKey("tokenizer") ? string(m, "tokenizer", f + ".tokenizer") : null,
          m.containsKey("reasoning_parser") ? string(m, "reasoning_parser", f + ".reasoning_parser") : null,
          m.containsKey("tool_parser") ? string(m, "tool_parser", f + ".tool_parser") : null,
          m.containsKey("timeouts") ? timeouts(m.get("timeouts").getValueNode(), f + ".timeouts", gateway.timeouts()) : null,
          m.containsKey("retry") ? retry(m.get("retry").getValueNode(), f + ".retry", gateway.retry()) : null,
          m.containsKey("circuit_breaker") ? breaker(m.get("circuit_breaker").getValueNode(), f + ".circuit_breaker", gateway.circuitBreaker()) : null,
          m.containsKey("admission") ? admission(m.get("admission").getValueNode(), f + ".admission", gateway.admission()) : null,
          m.containsKey("drain_timeout_secs") ? drainTimeout(m, f + ".drain_timeout_secs") : null));
    }
    return out;
  }

  // ---- workers ----

  private record Located(WorkerSpec spec, Node node, String field) {}

  private List<WorkerSpec> workers(Node node) {
    if (!(node instanceof SequenceNode seq)) throw error(node, "workers", "must be a list of workers");
    List<Located> located = new ArrayList<>();
    Map<String, Located> byUrl = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String f = "workers[" + i + "]";
      Located w = new Located(worker(item, f), item, f);
      Located dup = byUrl.putIfAbsent(w.spec().url(), w);
      if (dup != null) {
        throw error(item, f + ".url", "duplicate url '" + w.spec().url() + "' (also " + dup.field() + " on line " + line(dup.node()) + ")");
      }
      located.add(w);
    }
    checkPdPools(located);
    return located.stream().map(Located::spec).toList();
  }

  /** A prefill pool without a decode pool (or the reverse) for the same model and connection can never serve. */
  private void checkPdPools(List<Located> workers) {
    for (Located w : workers) {
      WorkerType t = w.spec().type();
      if (t == WorkerType.REGULAR) continue;
      WorkerType partner = t == WorkerType.PREFILL ? WorkerType.DECODE : WorkerType.PREFILL;
      boolean paired = workers.stream().anyMatch(o -> o.spec().type() == partner
          && o.spec().model().equals(w.spec().model()) && o.spec().connection() == w.spec().connection());
      if (!paired) {
        throw error(w.node(), w.field() + ".type", "model '" + w.spec().model() + "' has " + t.wireName() + " workers over "
            + w.spec().connection().wireName() + " but no " + partner.wireName() + " worker: a prefill/decode pool needs both");
      }
    }
  }

  private WorkerSpec worker(Node node, String f) {
    Map<String, NodeTuple> m = mapping(node, f, WORKER_FIELDS);
    if (!m.containsKey("url")) throw error(node, f + ".url", "is required");
    String url = string(m, "url", f + ".url");
    Node urlNode = m.get("url").getValueNode();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw error(urlNode, f + ".url", "'" + url + "' is not a valid URL: " + e.getReason());
    }
    ConnectionMode fromScheme = ConnectionMode.ofScheme(uri.getScheme());
    if (fromScheme == null) {
      throw error(urlNode, f + ".url", "'" + url + "' must start with http://, https://, grpc:// or grpcs://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) throw error(urlNode, f + ".url", "'" + url + "' has no host");
    if (fromScheme == ConnectionMode.GRPC && uri.getPort() < 0) {
      throw error(urlNode, f + ".url", "'" + url + "' needs a port (grpc://host:port)");
    }
    // Without a model the gateway asks the worker's /v1/models at startup (plain OpenAI-compatible servers).
    String model = m.containsKey("model") ? string(m, "model", f + ".model") : WorkerSpec.DISCOVER_MODEL;
    if (m.containsKey("model") && model.isBlank()) throw error(m.get("model").getValueNode(), f + ".model", "must not be empty");

    WorkerType type = WorkerType.REGULAR;
    if (m.containsKey("type")) {
      String s = string(m, "type", f + ".type");
      type = WorkerType.fromWire(s);
      if (type == null) throw error(m.get("type").getValueNode(), f + ".type", "unknown worker type '" + s + "' (expected regular, prefill or decode)");
    }
    ConnectionMode connection = fromScheme;
    if (m.containsKey("connection")) {
      String s = string(m, "connection", f + ".connection");
      connection = ConnectionMode.fromWire(s);
      if (connection == null) throw error(m.get("connection").getValueNode(), f + ".connection", "unknown connection '" + s + "' (expected http or grpc)");
      if (connection != fromScheme) {
        throw error(m.get("connection").getValueNode(), f + ".connection", "'" + s + "' contradicts the url scheme '" + uri.getScheme() + "://'");
      }
    }
    Integer bootstrapPort = null;
    if (m.containsKey("bootstrap_port")) {
      if (type != WorkerType.PREFILL) throw error(m.get("bootstrap_port").getValueNode(), f + ".bootstrap_port", "only prefill workers have a bootstrap port");
      Node v = m.get("bootstrap_port").getValueNode();
      bootstrapPort = v instanceof ScalarNode s && s.getValue().equals("null") ? null : (int) integer(m, "bootstrap_port", f + ".bootstrap_port", 1, 65535);
    }
    if (model.equals(WorkerSpec.DISCOVER_MODEL) && (type != WorkerType.REGULAR || connection != ConnectionMode.HTTP)) {
      throw error(node, f + ".model", "is required for " + type.wireName() + " " + connection.wireName()
          + " workers (only regular HTTP workers may leave it out and be asked for it)");
    }
    int priority = m.containsKey("priority") ? (int) integer(m, "priority", f + ".priority", 0, Integer.MAX_VALUE) : WorkerSpec.DEFAULT_PRIORITY;
    double cost = m.containsKey("cost") ? number(m, "cost", f + ".cost") : WorkerSpec.DEFAULT_COST;
    String apiKey = m.containsKey("api_key") ? secret(m, "api_key", f + ".api_key") : null;
    Map<String, String> labels = m.containsKey("labels") ? labels(m.get("labels").getValueNode(), f + ".labels") : Map.of();
    KvEventsSpec kvEvents = m.containsKey("kv_events") ? kvEvents(m.get("kv_events").getValueNode(), f + ".kv_events") : null;
    return new WorkerSpec(url, model, type, connection, bootstrapPort, priority, cost, apiKey, labels, kvEvents);
  }

  /** {@code kv_events: {endpoint: tcp://host:5557, replay_endpoint: tcp://host:5558, topic: ""}}. */
  private KvEventsSpec kvEvents(Node node, String f) {
    Map<String, NodeTuple> m = mapping(node, f, KV_EVENTS_FIELDS);
    if (!m.containsKey("endpoint")) throw error(node, f + ".endpoint", "is required");
    String endpoint = zmqEndpoint(m, "endpoint", f + ".endpoint");
    String replay = m.containsKey("replay_endpoint") ? zmqEndpoint(m, "replay_endpoint", f + ".replay_endpoint") : null;
    String topic = m.containsKey("topic") ? string(m, "topic", f + ".topic") : "";
    return new KvEventsSpec(endpoint, replay, topic);
  }

  private String zmqEndpoint(Map<String, NodeTuple> m, String key, String field) {
    String s = string(m, key, field);
    String problem = KvEventsSpec.problemWith(s);
    if (problem != null) throw error(m.get(key).getValueNode(), field, problem);
    return s;
  }

  private Map<String, String> labels(Node node, String f) {
    if (!(node instanceof MappingNode mn)) throw error(node, f, "must be a mapping of label to value");
    Map<String, String> out = new LinkedHashMap<>();
    for (NodeTuple t : mn.getValue()) {
      String k = keyOf(t, f);
      if (!(t.getValueNode() instanceof ScalarNode v)) throw error(t.getValueNode(), f + "." + k, "must be a single value");
      out.put(k, v.getValue());
    }
    return out;
  }

  // ---- primitives ----

  private Map<String, NodeTuple> mapping(Node node, String field, Set<String> known) {
    if (!(node instanceof MappingNode mn)) throw error(node, field, "must be a mapping");
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : mn.getValue()) {
      String key = keyOf(t, field);
      String path = field.equals("(top level)") ? key : field + "." + key;
      if (!known.contains(key)) {
        throw error(t.getKeyNode(), path, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
      if (out.put(key, t) != null) throw error(t.getKeyNode(), path, "is given twice");
    }
    return out;
  }

  private String keyOf(NodeTuple t, String field) {
    if (!(t.getKeyNode() instanceof ScalarNode k)) throw error(t.getKeyNode(), field, "keys must be plain names");
    return k.getValue();
  }

  private String string(Map<String, NodeTuple> m, String key, String field) {
    Node v = m.get(key).getValueNode();
    if (!(v instanceof ScalarNode s)) throw error(v, field, "must be a single value");
    return s.getValue();
  }

  private long integer(Map<String, NodeTuple> m, String key, String field, long min, long max) {
    String s = string(m, key, field);
    long value;
    try {
      value = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw error(m.get(key).getValueNode(), field, "'" + s + "' is not an integer");
    }
    if (value < min || value > max) throw error(m.get(key).getValueNode(), field, value + " is out of range [" + min + ", " + max + "]");
    return value;
  }

  private double number(Map<String, NodeTuple> m, String key, String field) {
    String s = string(m, key, field);
    double value;
    try {
      value = Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      throw error(m.get(key).getValueNode(), field, "'" + s + "' is not a number");
    }
    if (!(value >= 0) || Double.isInfinite(value)) throw error(m.get(key).getValueNode(), field, "must be a finite number >= 0");
    return value;
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private ConfigException error(Node node, String field, String problem) {
    return new ConfigException(source + " line " + line(node) + ": " + field + ": " + problem, field);
  }
}
