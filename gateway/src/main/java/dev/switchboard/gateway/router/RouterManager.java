package dev.switchboard.gateway.router;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Owns at most four routers and the model → routers map, kept in step with the worker registry: a router exists
 * while some model needs it. Per request it picks a router the way the architecture document (the seed) describes — by model, then
 * connection preference, PD before regular when the model has a healthy prefill/decode pair, then regular, then
 * the other connection (the "default router" step).
 *
 * <p>State is one immutable {@link State} behind a volatile field: request threads read it without locks;
 * registry changes (rare) rebuild it under this object's monitor.
 */
public final class RouterManager implements WorkerRegistry.Listener {

  /**
   * @param routers the live routers (implemented kinds only)
   * @param plan what the workers ask for, including kinds this build cannot serve
   * @param byModel for each servable model, its live routers
   */
  private record State(Map<RouterId, InferenceRouter> routers, RouterPlan plan, Map<String, List<InferenceRouter>> byModel,
      SortedSet<String> served) {}

  private final RouterFactory factory;
  private volatile State state = new State(Map.of(), RouterPlan.of(List.of()), Map.of(), Collections.emptySortedSet());

  public RouterManager(WorkerRegistry registry, RouterFactory factory) {
    this.factory = factory;
    registry.addListener(this);
    rebuild(registry.snapshot());
  }

  @Override
  public void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    rebuild(snapshot);
  }

  private synchronized void rebuild(WorkerSnapshot snapshot) {
    State old = state;
    RouterPlan plan = RouterPlan.of(snapshot.specs());
    Map<RouterId, InferenceRouter> routers = new EnumMap<>(RouterId.class);
    for (RouterId id : plan.routers().keySet()) {
      InferenceRouter existing = old.routers().get(id);
      Optional<InferenceRouter> r = existing != null ? Optional.of(existing) : factory.create(id);
      r.ifPresent(router -> routers.put(id, router));
    }
    Map<String, List<InferenceRouter>> byModel = new HashMap<>();
    for (Map.Entry<RouterId, InferenceRouter> e : routers.entrySet()) {
      for (String model : plan.models(e.getKey())) {
        byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(e.getValue());
      }
    }
    byModel.replaceAll((m, list) -> List.copyOf(list));
    state = new State(Collections.unmodifiableMap(routers), plan, Map.copyOf(byModel),
        Collections.unmodifiableSortedSet(new TreeSet<>(byModel.keySet())));
  }

  /**
   * Chooses the router for one request.
   *
   * @param model the body's model, or {@code null} (allowed when exactly one model is served)
   * @param connection the client's connection preference, or {@code null} for any
   * @param preferPd {@code false} when the client asked for a regular router (used when the model has one)
   * @param endpoint only routers that support it are considered (embeddings need a regular worker, say)
   */
  public Selection select(String model, ConnectionMode connection, boolean preferPd, Endpoint endpoint) {
    State s = state;
    if (model == null) {
      if (s.served().size() == 1) model = s.served().first();
      else if (s.served().isEmpty()) return new Selection.NoModels();
      else return new Selection.ModelRequired(s.served());
    }
    List<InferenceRouter> routers = s.byModel().get(model);
    if (routers == null) {
      for (Map.Entry<RouterId, SortedSet<String>> e : s.plan().routers().entrySet()) {
        if (e.getValue().contains(model)) return new Selection.NotYetServed(model, e.getKey());
      }
      return new Selection.UnknownModel(model, s.served());
    }
    boolean anySupports = false;
    for (RouterId id : preferenceOrder(connection, preferPd)) {
      if (!id.supports(endpoint)) continue;
      for (InferenceRouter r : routers) {
        if (r.id() != id) continue;
        anySupports = true;
        if (r.canServe(model)) return new Selection.Routed(r, model);
      }
    }
    return anySupports ? new Selection.NoHealthyWorker(model) : new Selection.NotSupported(model, endpoint);
  }

  /** InferenceRouter preference orders, indexed by {@link #orderIndex}. */
  private static final List<List<RouterId>> ORDERS = new ArrayList<>();

  static {
    for (ConnectionMode c : new ConnectionMode[] {null, ConnectionMode.HTTP, ConnectionMode.GRPC}) {
      for (boolean pd : new boolean[] {true, false}) {
        List<RouterId> order = new ArrayList<>(List.of(RouterId.values()));
        // Preferred connection first, then the preferred PD-ness, then HTTP before gRPC.
        order.sort((a, b) -> {
          if (c != null && (a.connection() == c) != (b.connection() == c)) return a.connection() == c ? -1 : 1;
          if (a.isPd() != b.isPd()) return a.isPd() == pd ? -1 : 1;
          return a.connection().compareTo(b.connection());
        });
        ORDERS.add(List.copyOf(order));
      }
    }
  }

  private static int orderIndex(ConnectionMode connection, boolean preferPd) {
    return (connection == null ? 0 : connection.ordinal() + 1) * 2 + (preferPd ? 0 : 1);
  }

  static List<RouterId> preferenceOrder(ConnectionMode connection, boolean preferPd) {
    return ORDERS.get(orderIndex(connection, preferPd));
  }

  /** The live routers, in fixed order. */
  public Map<RouterId, InferenceRouter> routers() {
    return state.routers();
  }

  /** What the registry's workers ask for, including router kinds this build does not serve. */
  public RouterPlan plan() {
    return state.plan();
  }

  /** Models some live router serves. */
  public SortedSet<String> servedModels() {
    return state.served();
  }

  /** The first live router in fixed order; empty when there is none. */
  public Optional<InferenceRouter> defaultRouter() {
    return state.routers().values().stream().findFirst();
  }

  /** Whether some live router can route a request for this model right now. */
  public boolean routable(String model) {
    List<InferenceRouter> routers = state.byModel().get(model);
    if (routers == null) return false;
    for (InferenceRouter r : routers) if (r.canServe(model)) return true;
    return false;
  }

  /** Whether at least one model has a routable path right now ({@code gateway.readiness: any}, the default). */
  public boolean anyRoutable() {
    for (String model : state.served()) if (routable(model)) return true;
    return false;
  }

  /**
   * Whether every served model has a routable path right now (what {@code /readiness} reports). A gateway with
   * no served model is not ready.
   */
  public boolean ready() {
    State s = state;
    if (s.served().isEmpty()) return false;
    for (String model : s.served()) {
      List<InferenceRouter> routers = s.byModel().get(model);
      if (routers == null || routers.stream().noneMatch(r -> r.canServe(model))) return false;
    }
    return true;
  }
}
