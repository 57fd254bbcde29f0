package dev.switchboard.gateway.api.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.router.RouterPlan;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The console's picture of the gateway, built from its own objects: the registry's workers, the router manager's
 * routers and plan, the policy registry's policy names, the attempt statistics. The picture is a flat map of
 * entries ({@code router:http-pd}, {@code pool:http-pd:llama}, {@code model:llama}, {@code worker:<id>},
 * {@code gateway}) so that the event stream can send only the entries that changed.
 */
final class ConsoleView {
  private final WorkerRegistry registry;
  private final RouterManager routers;
  private final PolicyRegistry policies;
  private final WorkerStats stats;
  private final WorkerExtras extras;
  private final String actionKey;

  ConsoleView(WorkerRegistry registry, RouterManager routers, PolicyRegistry policies, WorkerStats stats,
      WorkerExtras extras, String actionKey) {
    this.registry = registry;
    this.routers = routers;
    this.policies = policies;
    this.stats = stats;
    this.extras = extras;
    this.actionKey = actionKey;
  }

  /** Every entry, in display order. */
  Map<String, ObjectNode> entries() {
    List<Worker> workers = registry.snapshot().all();
    RouterPlan plan = routers.plan();
    Map<RouterId, InferenceRouter> live = routers.routers();
    // (router, model) pools: whatever the plan has, plus workers whose pool the plan lacks (a prefill worker
    // without decode workers still shows, under the router it would belong to).
    SortedMap<RouterId, SortedSet<String>> pools = new TreeMap<>();
    plan.routers().forEach((id, models) -> pools.computeIfAbsent(id, k -> new TreeSet<>()).addAll(models));
    for (Worker w : workers) pools.computeIfAbsent(RouterId.of(w.type(), w.connection()), k -> new TreeSet<>()).add(w.model());

    Map<String, ObjectNode> out = new LinkedHashMap<>();
    out.put("gateway", gateway(workers));
    for (RouterId id : RouterId.values()) {
      ObjectNode r = node();
      r.put("kind", "router").put("id", id.wireName()).put("connection", id.connection().wireName()).put("pd", id.isPd());
      r.put("planned", plan.routers().containsKey(id)).put("live", live.containsKey(id));
      ArrayNode models = r.putArray("models");
      pools.getOrDefault(id, new TreeSet<>()).forEach(models::add);
      out.put("router:" + id.wireName(), r);
    }
    Map<String, List<ObjectNode>> poolsByModel = new TreeMap<>();
    pools.forEach((id, models) -> {
      for (String model : models) {
        ObjectNode p = pool(id, model, live.get(id), workers);
        out.put("pool:" + id.wireName() + ":" + model, p);
        poolsByModel.computeIfAbsent(model, m -> new ArrayList<>()).add(p);
      }
    });
    poolsByModel.forEach((model, list) -> out.put("model:" + model, model(model, list)));
    for (Worker w : workers) out.put("worker:" + w.id(), worker(w));
    return out;
  }

  private ObjectNode gateway(List<Worker> workers) {
    ObjectNode g = node();
    g.put("kind", "gateway");
    g.put("ready", routers.ready());
    g.put("workers", workers.size());
    g.put("healthy_workers", workers.stream().filter(Worker::isHealthy).count());
    // Which key the worker API wants for changes ("admin", "gateway"), or null: the page asks for it.
    if (actionKey == null) g.putNull("action_key"); else g.put("action_key", actionKey);
    return g;
  }

  private ObjectNode pool(RouterId id, String model, InferenceRouter router, List<Worker> workers) {
    ObjectNode p = node();
    p.put("kind", "pool").put("router", id.wireName()).put("model", model);
    List<Worker> mine = workers.stream().filter(w -> w.model().equals(model) && RouterId.of(w.type(), w.connection()) == id).toList();
    boolean routable = router != null && router.canServe(model);
    p.put("routable", routable);
    p.put("reason", routable ? "routable" : whyNot(id, router, mine));
    if (id.isPd()) {
      putPolicy(p, "prefill_policy", model, WorkerType.PREFILL, id, mine);
      putPolicy(p, "decode_policy", model, WorkerType.DECODE, id, mine);
    } else {
      putPolicy(p, "policy", model, WorkerType.REGULAR, id, mine);
    }
    ArrayNode ids = p.putArray("workers");
    mine.forEach(w -> ids.add(w.id()));
    return p;
  }

  /** The pool's policy name; only pools that have workers have a policy instance. */
  private void putPolicy(ObjectNode p, String field, String model, WorkerType type, RouterId id, List<Worker> mine) {
    if (mine.stream().anyMatch(w -> w.type() == type)) {
      p.put(field, policies.policy(new PoolKey(model, type, id.connection())).name());
    } else {
      p.putNull(field);
    }
  }

  private static ObjectNode model(String model, List<ObjectNode> pools) {
    ObjectNode m = node();
    m.put("kind", "model").put("model", model);
    boolean routable = pools.stream().anyMatch(p -> p.get("routable").asBoolean());
    m.put("routable", routable);
    ArrayNode on = m.putArray("routers");
    List<String> reasons = new ArrayList<>();
    for (ObjectNode p : pools) {
      on.add(p.get("router").asText());
      if (!p.get("routable").asBoolean()) reasons.add(p.get("router").asText() + ": " + p.get("reason").asText());
    }
    m.put("reason", routable ? "routable" : String.join("; ", reasons));
    return m;
  }

  /** Why a pool takes no request now, in an operator's words. */
  private String whyNot(RouterId id, InferenceRouter router, List<Worker> mine) {
    if (!id.isPd()) {
      String why = unavailable("", mine);
      return router == null && why == null ? "router not running" : why == null ? "not routable" : why;
    }
    List<Worker> prefill = mine.stream().filter(w -> w.type() == WorkerType.PREFILL).toList();
    List<Worker> decode = mine.stream().filter(w -> w.type() == WorkerType.DECODE).toList();
    List<String> parts = new ArrayList<>();
    String p = unavailable("prefill ", prefill);
    String d = unavailable("decode ", decode);
    if (p != null) parts.add(p);
    if (d != null) parts.add(d);
    if (parts.isEmpty()) return router == null ? "router not running" : "not routable";
    return String.join("; ", parts);
  }

  /** Null when some worker of {@code workers} is available; else what keeps each one out. */
  private String unavailable(String role, List<Worker> workers) {
    if (workers.isEmpty()) return "no " + role + "worker";
    int unchecked = 0;
    int unhealthy = 0;
    int open = 0;
    int draining = 0;
    for (Worker w : workers) {
      if (w.isAvailable()) return null;
      if (w.draining()) draining++;
      else if (!w.everChecked()) unchecked++;
      else if (!w.isHealthy()) unhealthy++;
      else if ("open".equals(extras.breakerState(w))) open++;
    }
    List<String> why = new ArrayList<>();
    if (unhealthy > 0) why.add(unhealthy + " unhealthy");
    if (unchecked > 0) why.add(unchecked + " not yet health-checked");
    if (open > 0) why.add(open + " with an open breaker");
    if (draining > 0) why.add(draining + " draining");
    return "no available " + role + "worker" + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")");
  }

  private ObjectNode worker(Worker w) {
    ObjectNode n = node();
    n.put("kind", "worker").put("id", w.id()).put("url", w.url()).put("model", w.model());
    n.put("type", w.type().wireName()).put("connection", w.connection().wireName());
    n.put("router", RouterId.of(w.type(), w.connection()).wireName());
    n.put("health", !w.everChecked() ? "unknown" : w.isHealthy() ? "healthy" : "unhealthy");
    String breaker = extras.breakerState(w);
    if (breaker == null) n.putNull("breaker"); else n.put("breaker", breaker);
    n.put("draining", w.draining());
    n.put("in_flight", w.inFlight());
    WorkerStats.Numbers s = stats.numbers(w);
    n.put("requests_per_sec", round(s.requestsPerSecond(), 2));
    n.put("error_rate", round(s.errorRate(), 4));
    putNullable(n, "ttft_p50_ms", s.ttftP50Millis());
    putNullable(n, "ttft_p99_ms", s.ttftP99Millis());
    putNullable(n, "prefix_hit_share", extras.prefixHitShare(w));
    n.put("priority", w.priority());
    if (w.bootstrapPort() != null) n.put("bootstrap_port", w.bootstrapPort());
    return n;
  }

  private static void putNullable(ObjectNode n, String field, Double value) {
    if (value == null) n.putNull(field); else n.put(field, round(value, 2));
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static ObjectNode node() {
    return RequestFacts.JSON.createObjectNode();
  }
}
