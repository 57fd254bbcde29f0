package dev.switchboard.gateway.api;

import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.metrics.RequestTimer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client keys and their tenants, shared by all event loops (the limits are per gateway, not per loop). On the
 * inference routes, before the body is read: find the tenant of the bearer token (401 without a valid one), then
 * hold it to its limits (429 with {@code Retry-After}). Without any key configured every request is
 * {@value Tenant#ANONYMOUS} and unlimited.
 */
public final class Tenants {
  private final ApiKeyCheck keys;
  private final Tenant anonymous = Tenant.unlimited(Tenant.ANONYMOUS);
  private final GatewayMetrics metrics;

  public Tenants(GatewaySettings settings, GatewayMetrics metrics) {
    this.metrics = metrics;
    long now = System.nanoTime();
    Map<String, Tenant> byKey = new LinkedHashMap<>();
    if (settings.apiKey() != null) byKey.put(settings.apiKey(), Tenant.unlimited(Tenant.DEFAULT));
    for (ClientKey k : settings.apiKeys()) byKey.put(k.key(), Tenant.of(k, now));
    this.keys = byKey.isEmpty() ? null : new ApiKeyCheck(byKey, "client key");
    for (Tenant t : byKey.values()) metrics.tenantConfigured(t.name());
  }

  /** The client keys' check, or {@code null} when inference is open. */
  ApiKeyCheck keys() {
    return keys;
  }

  void handle(RoutingContext ctx) {
    RequestTimer timer = ctx.get(RequestTimer.KEY);
    Tenant tenant = keys == null ? anonymous : keys.tenantOf(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (tenant == null) {
      if (timer != null) timer.tenant(Tenant.UNAUTHENTICATED);
      ctx.request().pause();
      ApiRoutes.sendError(ctx, OpenAiError.unauthorized("missing or wrong API key: send 'Authorization: Bearer <key>'"));
      return;
    }
    if (timer != null) timer.tenant(tenant.name());
    ctx.put(Tenant.CONTEXT_KEY, tenant);
    Tenant.Refusal refused = tenant.admit(System.nanoTime());
    if (refused != null) {
      metrics.rateLimited(tenant.name(), refused.limit());
      ctx.request().pause();
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
      ApiRoutes.sendError(ctx, refused.error());
      return;
    }
    ctx.next();
  }

  /** Charges the tokens of a finished request to its tenant. */
  static void used(RoutingContext ctx, long tokens) {
    Tenant t = ctx.get(Tenant.CONTEXT_KEY);
    if (t != null) t.used(tokens, System.nanoTime());
  }
}
