package dev.switchboard.gateway.api;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.FleetSettings;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.WorkerAllowlist;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker API over real sockets: a gateway and simulated workers on loopback. */
class WorkerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Gateway gateway;

  @AfterEach
  void close() throws Exception {
    if (gateway != null) gateway.close();
    for (AutoCloseable c : closing) c.close();
  }

  private SimWorker started(SimWorker s) {
    closing.add(s);
    return s;
  }

  private Gateway start(List<WorkerSpec> workers, FleetSettings fleet, GatewaySettings base) {
    GatewaySettings g = base.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH);
    gateway = Gateway.start(new DeploymentConfig(g, Map.of(), workers, fleet, null));
    return gateway;
  }

  private Gateway start(List<WorkerSpec> workers) {
    return start(workers, FleetSettings.DEFAULTS, GatewaySettings.DEFAULTS);
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("content-type", "application/json");
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static String worker(String url, String model) {
    return "{\"url\":\"" + url + "\",\"model\":\"" + model + "\"}";
  }

  @Test
  void startsEmptyThenWorkersComeAndGoAndRoutersFollow() throws Exception {
    SimWorker a = started(SimWorker.start(sim("m")));
    start(List.of());
    assertThat(send("GET", "/readiness", null).statusCode()).isEqualTo(503);
    assertThat(json(send("GET", "/routers", null)).path("routers").size()).isZero();

    HttpResponse<String> created = send("POST", "/workers",
        "{\"url\":\"" + a.url() + "\",\"model\":\"m\",\"priority\":70,\"labels\":{\"zone\":\"a\"},\"api_key\":\"worker-secret-1\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = Worker.idOf(a.url());
    assertThat(created.headers().firstValue("location")).hasValue("/workers/" + id);
    assertThat(created.body()).doesNotContain("worker-secret-1");
    assertThat(json(created).path("id").asText()).isEqualTo(id);
    assertThat(json(created).path("has_api_key").asBoolean()).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/readiness", null).statusCode() == 200);
    JsonNode routers = json(send("GET", "/routers", null)).path("routers");
    assertThat(routers.path("http-regular").path("models").path(0).path("model").asText()).isEqualTo("m");
    assertThat(send("POST", "/v1/chat/completions", chat("m", "hi", false)).statusCode()).isEqualTo(200);

    JsonNode one = json(send("GET", "/workers/" + id, null));
    assertThat(json(send("GET", "/workers/" + java.net.URLEncoder.encode(a.url(), java.nio.charset.StandardCharsets.UTF_8), null)).path("id").asText())
        .isEqualTo(id); // SGLang's form: the URL-encoded worker URL
    assertThat(one.path("priority").asInt()).isEqualTo(70);
    assertThat(one.path("labels").path("zone").asText()).isEqualTo("a");
    assertThat(send("GET", "/workers", null).body()).doesNotContain("worker-secret-1");
    assertThat(json(send("GET", "/list_workers", null)).path("urls").path(0).asText()).isEqualTo(a.url());

    HttpResponse<String> patched = send("PATCH", "/workers/" + id, "{\"priority\":10,\"cost\":2.5,\"labels\":{\"zone\":\"b\"}}");
    assertThat(patched.statusCode()).isEqualTo(200);
    Worker live = gateway.registry().snapshot().byUrl(a.url());
    assertThat(live.priority()).isEqualTo(10);
    assertThat(live.cost()).isEqualTo(2.5);
    assertThat(live.labels()).containsEntry("zone", "b");
    assertThat(live.apiKey()).isEqualTo("worker-secret-1"); // kept, never shown

    // Draining by PATCH: no new requests, the worker stays; readiness says why.
    assertThat(send("PATCH", "/workers/" + id, "{\"draining\":true}").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = send("GET", "/readiness", null);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json(ready).path("models").path("m").asText()).isEqualTo("draining");
    assertThat(send("POST", "/v1/chat/completions", chat("m", "hi", false)).statusCode()).isEqualTo(503);
    assertThat(send("PATCH", "/workers/" + id, "{\"draining\":false}").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/chat/completions", chat("m", "hi", false)).statusCode()).isEqualTo(200);

    HttpResponse<String> deleted = send("DELETE", "/workers/" + id, null);
    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(json(deleted).path("status").asText()).isEqualTo("draining");
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/workers/" + id, null).statusCode() == 404);
    assertThat(json(send("GET", "/workers/" + id, null)).path("error").path("code").asText()).isEqualTo("worker_not_found");
    assertThat(json(send("GET", "/routers", null)).path("routers").size()).isZero();
    assertThat(send("GET", "/readiness", null).statusCode()).isEqualTo(503);
  }

  @Test
  void invalidWorkersAre400NamingTheField() throws Exception {
    SimWorker a = started(SimWorker.start(sim("m")));
    start(List.of(WorkerSpec.of(a.url(), "m", WorkerType.REGULAR, ConnectionMode.HTTP)));
    record Case(String body, String param, String says) {}
    for (Case c : List.of(
        new Case("{\"url\":\"http://127.0.0.1:1\",\"model\":\"m\",\"type\":\"prefil\"}", "type", "unknown worker type 'prefil'"),
        new Case("{\"model\":\"m\"}", "url", "is required"),
        new Case("{\"url\":\"ftp://x\",\"model\":\"m\"}", "url", "must start with http://"),
        new Case("{\"url\":\"http://127.0.0.1:1\",\"model\":\"m\",\"priority\":\"high\"}", "priority", "not an integer"),
        new Case("{\"url\":\"http://127.0.0.1:1\",\"model\":\"m\",\"bootstrap_port\":9000}", "bootstrap_port", "only prefill workers"),
        new Case("{\"url\":\"http://127.0.0.1:1\",\"model\":\"m\",\"colour\":\"red\"}", "colour", "unknown field"),
        new Case("{\"url\":\"grpc://127.0.0.1:1\"}", "model", "is required"))) {
      HttpResponse<String> r = send("POST", "/workers", c.body());
      assertThat(r.statusCode()).as(c.body()).isEqualTo(400);
      JsonNode err = json(r).path("error");
      assertThat(err.path("param").asText()).as(c.body()).isEqualTo(c.param());
      assertThat(err.path("message").asText()).as(c.body()).contains(c.says());
    }
    assertThat(send("POST", "/workers", "{not json").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/workers", worker(a.url(), "m")).statusCode()).isEqualTo(409);

    String id = Worker.idOf(a.url());
    HttpResponse<String> identity = send("PATCH", "/workers/" + id, "{\"model\":\"other\"}");
    assertThat(identity.statusCode()).isEqualTo(400);
    assertThat(json(identity).path("error").path("param").asText()).isEqualTo("model");
    HttpResponse<String> badCost = send("PATCH", "/workers/" + id, "{\"cost\":-1}");
    assertThat(json(badCost).path("error").path("param").asText()).isEqualTo("cost");
    assertThat(send("PATCH", "/workers/" + id, "{\"draining\":\"yes\"}").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/workers/0123456789abcdef", null).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/workers/0123456789abcdef", null).statusCode()).isEqualTo(404);
  }

  @Test
  void sglangAddWorkerAsksTheModelAndRemoveWorkerDrains() throws Exception {
    SimWorker a = started(SimWorker.start(sim("asked-model")));
    start(List.of());
    HttpResponse<String> added = send("POST", "/add_worker?url=" + a.url(), null);
    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(added.body()).isEqualTo("Successfully added worker: " + a.url());
    assertThat(gateway.registry().snapshot().byUrl(a.url()).model()).isEqualTo("asked-model");
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/readiness?model=asked-model", null).statusCode() == 200);
    assertThat(json(send("GET", "/list_workers", null)).path("urls").path(0).asText()).isEqualTo(a.url());

    HttpResponse<String> removed = send("POST", "/remove_worker?url=" + a.url(), null);
    assertThat(removed.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().all().isEmpty());
    assertThat(send("POST", "/remove_worker?url=" + a.url(), null).statusCode()).isEqualTo(404);
    // A worker that cannot say its model is refused, naming the field to give.
    HttpResponse<String> dead = send("POST", "/add_worker?url=http://127.0.0.1:1", null);
    assertThat(dead.statusCode()).isEqualTo(502);
    assertThat(json(dead).path("error").path("param").asText()).isEqualTo("model");
  }

  @Test
  void adminKeyGuardsTheWorkerApiAndTheRoutesThatShowWorkerUrls() throws Exception {
    SimWorker a = started(SimWorker.start(sim("m")));
    FleetSettings fleet = FleetSettings.DEFAULTS.withAdminApiKey("admin-k");
    start(List.of(WorkerSpec.of(a.url(), "m", WorkerType.REGULAR, ConnectionMode.HTTP)), fleet,
        GatewaySettings.DEFAULTS.withApiKey("client-k"));
    String admin = "Bearer admin-k";
    for (String path : List.of("/workers", "/routers", "/get_model_info?model=m", "/list_workers", "/metrics", "/workers/" + Worker.idOf(a.url()))) {
      assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(401);
      assertThat(send("GET", path, null, "authorization", "Bearer client-k").statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> denied = send("GET", "/workers", null);
    assertThat(json(denied).path("error").path("message").asText()).contains("admin key").doesNotContain("admin-k");
    assertThat(send("GET", "/workers", null, "authorization", admin).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/metrics", null, "authorization", admin).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/workers", worker("http://127.0.0.1:2", "m")).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/workers", worker("http://127.0.0.1:2", "m"), "authorization", "Bearer client-k").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/workers", worker("http://127.0.0.1:2", "m"), "authorization", admin).statusCode()).isEqualTo(201);
    assertThat(send("DELETE", "/workers/" + Worker.idOf("http://127.0.0.1:2"), null).statusCode()).isEqualTo(401);
    // Open routes stay open; inference takes the client key, not the admin key.
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/readiness", null).statusCode() == 200);
    assertThat(send("GET", "/liveness", null).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/chat/completions", chat("m", "x", false), "authorization", admin).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/v1/chat/completions", chat("m", "x", false), "authorization", "Bearer client-k").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCanStayOpenAndWithoutAdminKeyChangesNeedTheGatewayKey() throws Exception {
    FleetSettings open = new FleetSettings("admin-k", false, WorkerAllowlist.ANY, FleetSettings.Readiness.ANY, Duration.ofSeconds(5));
    start(List.of(), open, GatewaySettings.DEFAULTS);
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    gateway.close();
    start(List.of(), FleetSettings.DEFAULTS, GatewaySettings.DEFAULTS.withApiKey("client-k"));
    assertThat(send("GET", "/workers", null).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/workers", worker("http://127.0.0.1:2", "m")).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/workers", worker("http://127.0.0.1:2", "m"), "authorization", "Bearer client-k").statusCode()).isEqualTo(201);
  }

  @Test
  void allowListRefusesOtherHostsWith403() throws Exception {
    SimWorker a = started(SimWorker.start(sim("m")));
    FleetSettings fleet = new FleetSettings(null, true, WorkerAllowlist.of(List.of("10.0.0.0/8", "*.svc.cluster.local")),
        FleetSettings.Readiness.ANY, Duration.ofSeconds(5));
    start(List.of(), fleet, GatewaySettings.DEFAULTS);
    HttpResponse<String> r = send("POST", "/workers", worker(a.url(), "m"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("worker_not_allowed");
    assertThat(send("POST", "/add_worker?url=" + a.url() + "&model=m", null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/workers", worker("http://sglang-0.llm.svc.cluster.local:8000", "m")).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/workers", worker("http://10.1.2.3:8000", "m")).statusCode()).isEqualTo(201);
    assertThat(gateway.registry().snapshot().all()).hasSize(2);
  }

  @Test
  void readinessAnyByDefaultAllOnRequestAndPerModel() throws Exception {
    SimWorker a = started(SimWorker.start(sim("a")));
    SimWorker b = started(SimWorker.start(sim("b")));
    List<WorkerSpec> two = List.of(WorkerSpec.of(a.url(), "a", WorkerType.REGULAR, ConnectionMode.HTTP),
        WorkerSpec.of(b.url(), "b", WorkerType.REGULAR, ConnectionMode.HTTP));
    start(two);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routers().ready());
    b.controls().healthy(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.registry().snapshot().byUrl(b.url()).isHealthy());
    HttpResponse<String> any = send("GET", "/readiness", null);
    assertThat(any.statusCode()).isEqualTo(200);
    assertThat(json(any).path("mode").asText()).isEqualTo("any");
    assertThat(json(any).path("models").path("a").asText()).isEqualTo("routable");
    assertThat(json(any).path("models").path("b").asText()).isEqualTo("no healthy worker");
    assertThat(send("GET", "/readiness?model=a", null).statusCode()).isEqualTo(200);
    HttpResponse<String> oneB = send("GET", "/readiness?model=b", null);
    assertThat(oneB.statusCode()).isEqualTo(503);
    assertThat(json(oneB).path("state").asText()).isEqualTo("no healthy worker");
    assertThat(json(send("GET", "/readiness?model=zzz", null)).path("state").asText()).isEqualTo("unknown");
    gateway.close();

    start(two, new FleetSettings(null, true, WorkerAllowlist.ANY, FleetSettings.Readiness.ALL, Duration.ofSeconds(5)), GatewaySettings.DEFAULTS);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().byUrl(a.url()).isHealthy());
    assertThat(send("GET", "/readiness", null).statusCode()).isEqualTo(503);
    b.controls().healthy(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/readiness", null).statusCode() == 200);
  }

  /**
   * Traffic runs throughout while workers are added and removed; with retries off, every request must still get
   * a 200: new workers take traffic only once healthy, removed ones drain first.
   */
  @Test
  void addingAndRemovingWorkersUnderLoadLosesNoRequest() throws Exception {
    SimWorker a = started(SimWorker.start(sim("m").withTtft(Duration.ofMillis(20)).withTimePerToken(Duration.ofMillis(10))));
    SimWorker b = started(SimWorker.start(sim("m").withTtft(Duration.ofMillis(20)).withTimePerToken(Duration.ofMillis(10))));
    SimWorker c = started(SimWorker.start(sim("m").withTtft(Duration.ofMillis(20)).withTimePerToken(Duration.ofMillis(10))));
    start(List.of(WorkerSpec.of(a.url(), "m", WorkerType.REGULAR, ConnectionMode.HTTP)), FleetSettings.DEFAULTS,
        GatewaySettings.DEFAULTS.withMaxAttempts(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routers().ready());
    // A removed worker goes away at once (as a pod does once the gateway let it go): in-flight requests would die.
    Map<String, SimWorker> byUrl = Map.of(a.url(), a, b.url(), b, c.url(), c);
    gateway.registry().addListener((snapshot, added, removed) -> {
      for (Worker w : removed) Thread.ofPlatform().start(byUrl.get(w.url())::close);
    });

    AtomicBoolean stop = new AtomicBoolean();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      boolean stream = t % 2 == 0;
      clients.add(Thread.ofPlatform().start(() -> {
        int i = 0;
        while (!stop.get()) {
          int status;
          try {
            HttpResponse<String> r = send("POST", "/v1/chat/completions", chat("m", "load " + i++, stream));
            status = r.statusCode() == 200 && stream && !r.body().contains("[DONE]") ? -2 : r.statusCode();
          } catch (Exception e) {
            status = -1;
          }
          statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        }
      }));
    }
    try {
      assertThat(send("POST", "/workers", worker(b.url(), "m")).statusCode()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().completed() > 5);
      assertThat(send("DELETE", "/workers/" + Worker.idOf(a.url()), null).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().byUrl(a.url()) == null);

      assertThat(send("POST", "/add_worker?url=" + c.url() + "&model=m", null).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().completed() > 5);
      assertThat(send("POST", "/remove_worker?url=" + b.url(), null).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().byUrl(b.url()) == null);
      long before = c.stats().completed();
      await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().completed() > before + 5);
    } finally {
      stop.set(true);
      for (Thread t : clients) t.join();
    }
    assertThat(statuses.keySet()).as("statuses seen: %s", statuses).containsExactly(200);
    assertThat(statuses.get(200).get()).isGreaterThan(20);
  }
}
