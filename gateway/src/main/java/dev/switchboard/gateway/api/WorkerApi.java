package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.config.ConfigException;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.FleetSettings;
import dev.switchboard.gateway.discovery.ModelDiscovery;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The worker management API: {@code POST/GET /workers}, {@code GET/PATCH/DELETE /workers/{id}} and SGLang's
 * {@code /add_worker}, {@code /remove_worker}, {@code /list_workers}. A worker is validated by the deployment
 * file's rules ({@link ConfigLoader#parseWorker}); removal drains first. A worker's api_key is never shown.
 */
public final class WorkerApi {
  /** Fields {@code PATCH} may change; the others are the worker's identity (remove and add it instead). */
  private static final Set<String> PATCHABLE = Set.of("priority", "cost", "labels", "draining");

  private final WorkerRegistry registry;
  private final ModelDiscovery discovery;
  private final Supplier<FleetSettings> fleet;

  public WorkerApi(WorkerRegistry registry, ModelDiscovery discovery, Supplier<FleetSettings> fleet) {
    this.registry = registry;
    this.discovery = discovery;
    this.fleet = fleet;
  }

  // ---- /workers ----

  void list(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    ArrayNode list = body.putArray("workers");
    List<Worker> all = registry.snapshot().all();
    all.forEach(w -> list.add(workerJson(w)));
    body.put("total", all.size());
    ObjectNode stats = body.putObject("stats");
    stats.put("regular_count", all.stream().filter(w -> w.type() == WorkerType.REGULAR).count());
    stats.put("prefill_count", all.stream().filter(w -> w.type() == WorkerType.PREFILL).count());
    stats.put("decode_count", all.stream().filter(w -> w.type() == WorkerType.DECODE).count());
    stats.put("healthy_count", all.stream().filter(Worker::isHealthy).count());
    stats.put("draining_count", all.stream().filter(Worker::draining).count());
    json(ctx, 200, body);
  }

  void create(RoutingContext ctx) {
    JsonNode body = jsonBody(ctx);
    if (body == null) return;
    if (!body.isObject()) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest("the body must be a JSON object describing one worker"));
      return;
    }
    WorkerSpec spec = validated(ctx, body.toString());
    if (spec != null) register(ctx, spec, false);
  }

  void get(RoutingContext ctx) {
    byId(ctx).ifPresent(w -> json(ctx, 200, workerJson(w)));
  }

  void patch(RoutingContext ctx) {
    Optional<Worker> found = byId(ctx);
    if (found.isEmpty()) return;
    Worker w = found.get();
    JsonNode body = jsonBody(ctx);
    if (body == null) return;
    if (!body.isObject()) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest("the body must be a JSON object of the fields to change: " + PATCHABLE));
      return;
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!PATCHABLE.contains(f)) {
        ApiRoutes.sendError(ctx, OpenAiError.badRequest("'" + f + "' cannot be changed in place (changeable: priority, cost, labels, draining); "
            + "to change a worker's identity remove it and add it again", f));
        return;
      }
    }
    JsonNode draining = body.get("draining");
    if (draining != null && !draining.isBoolean()) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest("draining must be true or false", "draining"));
      return;
    }
    // The changed worker is validated as a whole, by the same rules as a new one.
    ObjectNode merged = specJson(w.spec());
    for (String f : List.of("priority", "cost", "labels")) if (body.has(f)) merged.set(f, body.get(f));
    WorkerSpec next = validated(ctx, merged.toString());
    if (next == null) return;
    WorkerSpec keep = next.withApiKey(w.apiKey());
    registry.update(w.url(), old -> keep);
    if (draining != null) registry.setDraining(w.url(), draining.booleanValue());
    json(ctx, 200, workerJson(w));
  }

  void delete(RoutingContext ctx) {
    byId(ctx).ifPresent(w -> {
      registry.drainAndRemove(w.url(), fleet.get().drainTimeout());
      ObjectNode body = workerJson(w);
      body.put("status", "draining");
      json(ctx, 202, body);
    });
  }

  // ---- SGLang-compatible ----

  /** {@code POST /add_worker?url=...[&model=...]}: 200 plain text, 400 plain text (as SGLang's router). */
  void addWorker(RoutingContext ctx) {
    String url = ctx.request().getParam("url");
    if (url == null || url.isBlank()) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest("give the worker as ?url=", "url"));
      return;
    }
    ObjectNode given = RequestFacts.JSON.createObjectNode().put("url", url);
    String model = ctx.request().getParam("model");
    if (model != null) given.put("model", model);
    WorkerSpec spec = validated(ctx, given.toString());
    if (spec != null) register(ctx, spec, true);
  }

  /** {@code POST /remove_worker?url=...}: drains, then removes. */
  void removeWorker(RoutingContext ctx) {
    String url = ctx.request().getParam("url");
    Worker w = url == null ? null : registry.snapshot().byUrl(url);
    if (w == null) {
      ApiRoutes.sendError(ctx, OpenAiError.notFound("no worker with url '" + url + "'"));
      return;
    }
    registry.drainAndRemove(url, fleet.get().drainTimeout());
    text(ctx, 200, "Successfully removed worker: " + url);
  }

  /** {@code GET /list_workers}: {@code {"urls": [...]}}. */
  void listUrls(RoutingContext ctx) {
    ObjectNode body = RequestFacts.JSON.createObjectNode();
    ArrayNode urls = body.putArray("urls");
    registry.snapshot().all().forEach(w -> urls.add(w.url()));
    json(ctx, 200, body);
  }

  // ---- shared ----

  /** Checks the allow-list, asks the model when none is given, registers; answers 201 (or SGLang's 200 text). */
  private void register(RoutingContext ctx, WorkerSpec spec, boolean sglangText) {
    String host = URI.create(spec.url()).getHost();
    if (!fleet.get().workerAllowlist().admits(host)) {
      ApiRoutes.sendError(ctx, new OpenAiError(403, "worker host '" + host + "' is not in gateway.worker_allowlist", "permission_error", "url", "worker_not_allowed"));
      return;
    }
    if (registry.snapshot().byUrl(spec.url()) != null) {
      ApiRoutes.sendError(ctx, new OpenAiError(409, "worker " + spec.url() + " is already registered", "invalid_request_error", "url", "worker_exists"));
      return;
    }
    Future<WorkerSpec> complete = spec.discoversModel()
        ? discovery.askModel(spec).map(spec::withModel)
        : Future.succeededFuture(spec);
    complete.onComplete(ar -> {
      if (ar.failed()) {
        ApiRoutes.sendError(ctx, new OpenAiError(502, "cannot learn the model of worker " + spec.url() + " (" + ar.cause().getMessage()
            + "); give \"model\"", "upstream_error", "model", "model_discovery_failed"));
        return;
      }
      Worker w;
      try {
        w = registry.add(ar.result());
      } catch (IllegalArgumentException e) {
        ApiRoutes.sendError(ctx, new OpenAiError(409, e.getMessage(), "invalid_request_error", "url", "worker_exists"));
        return;
      }
      if (sglangText) {
        text(ctx, 200, "Successfully added worker: " + w.url());
      } else {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/workers/" + w.id());
        json(ctx, 201, workerJson(w));
      }
    });
  }

  /** The worker the path's {@code {id}} names; answers 404 itself when there is none. */
  private Optional<Worker> byId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    // The id, or (as SGLang's router) the URL-encoded worker URL.
    Optional<Worker> w = registry.snapshot().all().stream().filter(x -> x.id().equals(id) || x.url().equals(id)).findFirst();
    if (w.isEmpty()) {
      ApiRoutes.sendError(ctx, new OpenAiError(404, "no worker with id '" + id + "' (ids are listed by GET /workers)", "invalid_request_error", "id", "worker_not_found"));
    }
    return w;
  }

  private static JsonNode jsonBody(RoutingContext ctx) {
    try {
      JsonNode n = ctx.body().buffer() == null ? null : RequestFacts.JSON.readTree(ctx.body().buffer().getBytes());
      if (n == null || n.isMissingNode()) {
        ApiRoutes.sendError(ctx, OpenAiError.badRequest("the body is empty (expected JSON)"));
        return null;
      }
      return n;
    } catch (IOException e) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest("the body is not valid JSON"));
      return null;
    }
  }

  /** The deployment file's rules; a failure answers 400 naming the field ({@code param}). */
  private static WorkerSpec validated(RoutingContext ctx, String json) {
    try {
      return ConfigLoader.parseWorker(json, "request body");
    } catch (ConfigException e) {
      String field = e.field() == null ? null : e.field().startsWith("worker.") ? e.field().substring(7) : e.field();
      String msg = e.getMessage().replaceFirst("^request body line \\d+: worker\\.", "");
      ApiRoutes.sendError(ctx, OpenAiError.badRequest(msg, field));
      return null;
    }
  }

  /** The changeable and identity fields of a spec in the API's (and the file's) names; never the api_key. */
  private static ObjectNode specJson(WorkerSpec s) {
    ObjectNode n = RequestFacts.JSON.createObjectNode();
    n.put("url", s.url());
    if (!s.discoversModel()) n.put("model", s.model());
    n.put("type", s.type().wireName());
    n.put("connection", s.connection().wireName());
    if (s.bootstrapPort() != null) n.put("bootstrap_port", s.bootstrapPort());
    n.put("priority", s.priority());
    n.put("cost", s.cost());
    ObjectNode labels = n.putObject("labels");
    s.labels().forEach(labels::put);
    return n;
  }

  /** WorkerInfo: identity, spec (without the api_key) and live state. Also used by {@code /routers}. */
  static ObjectNode workerJson(Worker w) {
    ObjectNode n = RequestFacts.JSON.createObjectNode();
    n.put("id", w.id());
    n.put("url", w.url());
    n.put("model", w.model());
    n.put("type", w.type().wireName());
    n.put("connection", w.connection().wireName());
    n.put("healthy", w.isHealthy());
    n.put("draining", w.draining());
    n.put("available", w.isAvailable());
    n.putObject("circuit_breaker").put("state", w.breaker().state().wireName()).put("transitions", w.breaker().transitions());
    n.put("load", w.inFlight());
    n.put("processed", w.processed());
    n.put("priority", w.priority());
    n.put("cost", w.cost());
    if (w.bootstrapPort() != null) n.put("bootstrap_port", w.bootstrapPort());
    Map<String, String> labels = w.labels();
    if (!labels.isEmpty()) {
      ObjectNode l = n.putObject("labels");
      labels.forEach(l::put);
    }
    n.put("has_api_key", w.apiKey() != null);
    return n;
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
  }

  private static void text(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(body);
  }
}
