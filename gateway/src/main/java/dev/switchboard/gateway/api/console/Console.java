package dev.switchboard.gateway.api.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The live web console: {@code GET /console} (the page), {@code GET /console/events} (its server-sent events),
 * {@code GET /console/state} (the same picture as JSON), {@code POST /console/login} (the admin key, for browsers)
 * and {@code /console/assets/*} (script and style, bundled in the jar). Actions (drain, remove, add) are sent by
 * the page to the worker API, not here.
 *
 * <p>One instance per gateway: it listens to the registry (membership and health changes publish at once) and to
 * attempt reports (rates, errors, TTFT, recent errors).
 */
public final class Console implements AttemptListener, WorkerRegistry.Listener {
  private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final WorkerStats stats = new WorkerStats();
  private final RecentErrors errors = new RecentErrors();
  private final ConsoleAuth auth;
  private final ConsoleView view;
  private final ConsoleEvents events;
  private final ConsoleAssets assets = ConsoleAssets.load();

  /**
   * @param adminKey the gateway's admin key, or null when the console is open to anyone who reaches it
   * @param clientKeys whether the gateway has client keys ({@code api_key}, {@code api_keys}): without an admin key,
   *     the worker API wants one of them for changes
   */
  public Console(Vertx vertx, WorkerRegistry registry, RouterManager routers, PolicyRegistry policies, String adminKey,
      boolean clientKeys, WorkerExtras extras) {
    this.auth = new ConsoleAuth(adminKey);
    String actionKey = adminKey != null ? "admin" : clientKeys ? "gateway" : null;
    this.view = new ConsoleView(registry, routers, policies, stats, extras, actionKey);
    this.events = new ConsoleEvents(vertx, view, errors);
    registry.addListener(this);
  }

  @Override
  public void attemptEnded(AttemptReport report) {
    stats.attemptEnded(report);
    errors.attemptEnded(report);
  }

  @Override
  public void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    removed.forEach(stats::forget);
    events.changed();
  }

  @Override
  public void healthChanged(Worker worker, boolean healthy) {
    events.changed();
  }

  @Override
  public void workerUpdated(Worker worker) {
    events.changed();
  }

  /** Something the console shows changed outside the registry (a drain, a breaker): publish it now. */
  public void changed() {
    events.changed();
  }

  /** Adds the console's routes to the gateway's router. */
  public void mount(Router web) {
    web.get("/console").handler(this::page);
    web.get("/console/").handler(ctx -> ctx.redirect("/console"));
    web.post("/console/login").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::login);
    web.get("/console/state").handler(ctx -> {
      if (guard(ctx)) json(ctx.response(), stateJson());
    });
    web.get("/console/events").handler(ctx -> {
      if (guard(ctx)) events.subscribe(ctx.response());
    });
    web.get("/console/assets/:name").handler(ctx -> {
      ConsoleAssets.Asset a = assets.get(ctx.pathParam("name"));
      if (a == null) {
        ctx.next(); // falls through to the gateway's JSON 404
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, a.contentType()).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .putHeader("x-content-type-options", "nosniff").end(a.bytes());
    });
  }

  private void page(RoutingContext ctx) {
    boolean allowed = auth.allows(ctx.request());
    HttpServerResponse r = ctx.response();
    r.setStatusCode(allowed ? 200 : 401)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("content-security-policy", SECURITY_POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .end(allowed ? assets.page() : assets.loginPage());
  }

  private void login(RoutingContext ctx) {
    String given = ctx.request().getFormAttribute("key");
    if (!auth.required() || auth.keyMatches(given)) {
      if (auth.required()) ctx.response().addCookie(auth.cookie());
      ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/console").end();
    } else {
      ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/console?denied=1").end();
    }
  }

  private boolean guard(RoutingContext ctx) {
    if (auth.allows(ctx.request())) return true;
    OpenAiError e = OpenAiError.unauthorized("the console needs the admin key: send 'Authorization: Bearer <admin key>' or log in at /console");
    ctx.response().setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(e.toBuffer());
    return false;
  }

  private ObjectNode stateJson() {
    ObjectNode out = RequestFacts.JSON.createObjectNode();
    ObjectNode entries = out.putObject("entries");
    view.entries().forEach(entries::set);
    ArrayNode list = out.putArray("errors");
    for (RecentErrors.Entry e : errors.after(0)) {
      e.writeTo(list.addObject());
    }
    return out;
  }

  private static void json(HttpServerResponse r, ObjectNode body) {
    r.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
  }
}
