package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.config.FleetSettings.Readiness;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.http.HttpWorkerClient.UpstreamStatusException;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Health, readiness and status pages; none of them needs a key, none of them proxies inference. */
final class StatusHandlers {
  private static final Duration INFO_TIMEOUT = Duration.ofSeconds(5);
  private final RouterManager routers;
  private final WorkerRegistry registry;
  private final HttpWorkerClient upstream;
  private final Supplier<Readiness> readinessMode;
  private final Drain drain;
  private final long created = Instant.now().getEpochSecond();

  StatusHandlers(RouterManager routers, WorkerRegistry registry, HttpWorkerClient upstream, Supplier<Readiness> readinessMode,
      Drain drain) {
    this.drain = drain;
    this.routers = routers;
    this.registry = registry;
    this.upstream = upstream;
    this.readinessMode = readinessMode;
  }

  static void ok(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("OK");
  }

  /**
   * 200 when at least one model is routable ({@code gateway.readiness: any}) or every served model is
   * ({@code all}); the body gives every known model's state. {@code ?model=M} asks about one model.
   */
  void readiness(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    String one = ctx.request().getParam("model");
    if (one != null) {
      String state = modelState(one);
      boolean ok = state.equals("routable");
      body.put("status", ok ? "ready" : "not ready");
      body.put("model", one);
      body.put("state", state);
      json(ctx, ok ? 200 : 503, body);
      return;
    }
    Readiness mode = readinessMode.get();
    boolean ready = (mode == Readiness.ALL ? routers.ready() : routers.anyRoutable()) && !drain.draining();
    body.put("status", ready ? "ready" : "not ready");
    if (drain.draining()) body.put("reason", "draining: the gateway is shutting down");
    body.put("mode", mode.wireName());
    ObjectNode models = body.putObject("models");
    SortedSet<String> known = new TreeSet<>(routers.plan().allModels());
    for (String m : registry.snapshot().models()) if (!m.isEmpty()) known.add(m);
    for (String model : known) models.put(model, modelState(model));
    if (known.isEmpty() && !drain.draining()) body.put("reason", "no models are served: the gateway has no usable workers");
    List<Worker> all = registry.snapshot().all();
    body.put("healthy_workers", all.stream().filter(Worker::isHealthy).count());
    body.put("total_workers", all.size());
    json(ctx, ready ? 200 : 503, body);
  }

  /**
   * {@code routable}; {@code draining} (every worker of the model is); {@code no healthy worker}; {@code not served}
   * (its workers form no router, e.g. prefill without decode); {@code unknown} (no worker has this model).
   */
  private String modelState(String model) {
    if (routers.routable(model)) return "routable";
    List<Worker> workers = registry.snapshot().all().stream().filter(w -> w.model().equals(model)).toList();
    if (workers.isEmpty()) return "unknown";
    if (!routers.servedModels().contains(model)) return "not served";
    if (workers.stream().allMatch(Worker::draining)) return "draining";
    return "no healthy worker";
  }

  /** OpenAI's model list: every model some router serves. */
  void models(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (String model : routers.servedModels()) {
      data.addObject().put("id", model).put("object", "model").put("created", created).put("owned_by", "switchboard");
    }
    json(ctx, 200, body);
  }

  void serverInfo(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    body.put("gateway", "switchboard");
    body.put("router_manager", true);
    body.put("routers_count", routers.routers().size());
    body.put("workers_count", registry.snapshot().all().size());
    ArrayNode models = body.putArray("models");
    routers.servedModels().forEach(models::add);
    json(ctx, 200, body);
  }

  /**
   * Proxies {@code GET /get_model_info} to a healthy HTTP worker of the model named by {@code ?model=} (or the
   * only served model).
   */
  void modelInfo(RoutingContext ctx) {
    String model = ctx.request().getParam("model");
    SortedSet<String> served = routers.servedModels();
    if (model == null) {
      if (served.size() != 1) {
        ApiRoutes.sendError(ctx, OpenAiError.badRequest("name the model with ?model=; served models: " + served, "model"));
        return;
      }
      model = served.first();
    }
    String wanted = model;
    Worker worker = registry.snapshot().all().stream()
        .filter(w -> w.model().equals(wanted) && w.connection() == ConnectionMode.HTTP && w.isHealthy())
        .findFirst().orElse(null);
    if (worker == null) {
      ApiRoutes.sendError(ctx, served.contains(model)
          ? OpenAiError.unavailable("no healthy HTTP worker of model '" + model + "' to ask")
          : OpenAiError.modelNotFound("model '" + model + "' is not served here; served models: " + served));
      return;
    }
    upstream.get(worker, "/get_model_info", INFO_TIMEOUT).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result());
      } else if (ar.cause() instanceof UpstreamStatusException s) {
        ApiRoutes.sendError(ctx, new OpenAiError(s.status(), "worker " + worker.url() + " answered " + s.status() + " to /get_model_info", "upstream_error", null, null));
      } else {
        ApiRoutes.sendError(ctx, OpenAiError.badGateway("worker " + worker.url() + " failed: " + ar.cause().getMessage()));
      }
    });
  }

  /** The live router table: each router's models, workers, health and in-flight load. */
  void routers(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    ObjectNode out = body.putObject("routers");
    Map<RouterId, InferenceRouter> live = routers.routers();
    routers.plan().routers().forEach((id, models) -> {
      ObjectNode r = out.putObject(id.wireName());
      InferenceRouter router = live.get(id);
      r.put("served", router != null);
      ArrayNode modelList = r.putArray("models");
      for (String model : models) {
        ObjectNode m = modelList.addObject();
        m.put("model", model);
        if (router != null) m.put("routable", router.canServe(model));
        ArrayNode workers = m.putArray("workers");
        registry.snapshot().all().stream()
            .filter(w -> w.model().equals(model) && RouterId.of(w.type(), w.connection()) == id)
            .forEach(w -> workers.add(WorkerApi.workerJson(w)));
      }
    });
    routers.defaultRouter().ifPresent(r -> body.put("default", r.id().wireName()));
    json(ctx, 200, body);
  }

  void workers(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    ArrayNode list = body.putArray("workers");
    registry.snapshot().all().forEach(w -> list.add(WorkerApi.workerJson(w)));
    body.put("total", registry.snapshot().all().size());
    json(ctx, 200, body);
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
  }
}
