package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** Health, readiness and status pages; none of them needs a key, none of them proxies inference. */
final class StatusHandlers {
  private static final Duration INFO_TIMEOUT = Duration.ofSeconds(5);
  private final RouterManager routers;
  private final WorkerRegistry registry;
  private final HttpWorkerClient upstream;
  private final Drain drain;
  private final long created = Instant.now().getEpochSecond();

  StatusHandlers(RouterManager routers, WorkerRegistry registry, HttpWorkerClient upstream, Drain drain) {
    this.drain = drain;
    this.routers = routers;
    this.registry = registry;
    this.upstream = upstream;
  }

  static void ok(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("OK");
  }

  /** 200 when every served model has a routable path now; 503 with the models that have none. */
  void readiness(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    boolean ready = routers.ready() && !drain.draining();
    body.put("status", ready ? "ready" : "not ready");
    if (drain.draining()) body.put("reason", "draining: the gateway is shutting down");
    ObjectNode models = body.putObject("models");
    for (String model : routers.servedModels()) {
      boolean servable = routers.routers().values().stream().anyMatch(r -> r.canServe(model));
      models.put(model, servable ? "routable" : "no healthy worker");
    }
    if (routers.servedModels().isEmpty()) body.put("reason", "no models are served: the gateway has no usable workers");
    List<Worker> all = registry.snapshot().all();
    body.put("healthy_workers", all.stream().filter(Worker::isHealthy).count());
    body.put("total_workers", all.size());
    json(ctx, ready ? 200 : 503, body);
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
            .forEach(w -> workers.add(workerJson(w)));
      }
    });
    routers.defaultRouter().ifPresent(r -> body.put("default", r.id().wireName()));
    json(ctx, 200, body);
  }

  void workers(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    ArrayNode list = body.putArray("workers");
    registry.snapshot().all().forEach(w -> list.add(workerJson(w)));
    body.put("total", registry.snapshot().all().size());
    json(ctx, 200, body);
  }

  private static ObjectNode workerJson(Worker w) {
    ObjectNode n = RequestFacts.JSON.createObjectNode();
    n.put("url", w.url());
    n.put("model", w.model());
    n.put("type", w.type().wireName());
    n.put("connection", w.connection().wireName());
    n.put("healthy", w.isHealthy());
    n.put("available", w.isAvailable());
    n.putObject("circuit_breaker").put("state", w.breaker().state().wireName())
        .put("transitions", w.breaker().transitions());
    n.put("load", w.inFlight());
    n.put("priority", w.priority());
    n.put("cost", w.cost());
    if (w.bootstrapPort() != null) n.put("bootstrap_port", w.bootstrapPort());
    if (!w.spec().labels().isEmpty()) n.putPOJO("labels", w.spec().labels());
    return n;
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
  }
}
