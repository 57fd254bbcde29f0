package dev.switchboard.gateway.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.FleetSettings;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console's HTTP surface over real sockets: the event stream's snapshot and patches, and the admin key. */
class ConsoleRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) c.close();
  }

  record Event(String name, JsonNode data) {}

  /** Reads server-sent events off a streaming response on a thread of its own. */
  private BlockingQueue<Event> events(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (headers.length > 0) b.headers(headers);
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    InputStream body = r.body();
    open.add(body);
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String name = null;
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("event: ")) name = line.substring(7);
          else if (line.startsWith("data: ")) queue.add(new Event(name, JSON.readTree(line.substring(6))));
        }
      } catch (Exception closed) {
        // the test is over
      }
    });
    open.add(reader::interrupt);
    return queue;
  }

  private static Event next(BlockingQueue<Event> q) throws InterruptedException {
    Event e = q.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s").isNotNull();
    return e;
  }

  /** Both workers have passed a health check: nothing changes any more unless the test changes it. */
  private static Fleet settledFleet() {
    Fleet fleet = Fleet.start(Fleet.sim("alpha"), Fleet.sim("beta")).awaitReady();
    await().atMost(Duration.ofSeconds(20)).until(() -> fleet.gateway().registry().snapshot().all().stream().allMatch(Worker::isHealthy));
    return fleet;
  }

  @Test
  void theStreamStartsWithASnapshotThenCarriesOnlyWhatChanged() throws Exception {
    Fleet fleet = settledFleet();
    open.add(fleet);
    String alpha = Worker.idOf(fleet.sim(0).url());
    String beta = Worker.idOf(fleet.sim(1).url());
    BlockingQueue<Event> q = events(fleet.uri("/console/events"));

    Event snapshot = next(q);
    assertThat(snapshot.name()).isEqualTo("snapshot");
    JsonNode entries = snapshot.data().get("entries");
    assertThat(entries.get("worker:" + alpha).get("health").asText()).isEqualTo("healthy");
    assertThat(entries.get("worker:" + beta).get("url").asText()).isEqualTo(fleet.sim(1).url());
    assertThat(entries.get("router:http-regular").get("models")).extracting(JsonNode::asText).containsExactly("alpha", "beta");
    assertThat(entries.get("router:grpc-pd").get("live").asBoolean()).isFalse();
    assertThat(entries.get("pool:http-regular:alpha").get("policy").asText()).isEqualTo("round_robin");
    assertThat(entries.get("model:beta").get("routable").asBoolean()).isTrue();
    assertThat(entries.get("worker:" + alpha).get("breaker").asText()).isEqualTo("closed"); // breakers are wired
    assertThat(entries.get("gateway").get("action_key").isNull()).as("no keys: the worker API wants none").isTrue();

    fleet.sim(0).controls().healthy(false);
    Event patch = next(q);
    assertThat(patch.name()).isEqualTo("patch");
    Set<String> changed = new java.util.TreeSet<>();
    patch.data().get("set").fieldNames().forEachRemaining(changed::add);
    // The unhealthy worker, its pool, its model and the gateway summary; nothing of beta.
    assertThat(changed).containsExactlyInAnyOrder("worker:" + alpha, "pool:http-regular:alpha", "model:alpha", "gateway");
    assertThat(patch.data().get("set").get("worker:" + alpha).get("health").asText()).isEqualTo("unhealthy");
    assertThat(patch.data().get("set").get("model:alpha").get("reason").asText())
        .isEqualTo("http-regular: no available worker (1 unhealthy)");
    assertThat(patch.data().get("deleted")).isEmpty();
    assertThat(patch.data().has("order")).isFalse();
  }

  @Test
  void aRemovedWorkerIsDeletedFromThePicture() throws Exception {
    Fleet fleet = settledFleet();
    open.add(fleet);
    String beta = Worker.idOf(fleet.sim(1).url());
    BlockingQueue<Event> q = events(fleet.uri("/console/events"));
    assertThat(next(q).name()).isEqualTo("snapshot");

    fleet.gateway().registry().remove(fleet.sim(1).url());
    Event patch = next(q);
    assertThat(patch.data().get("deleted")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("worker:" + beta, "pool:http-regular:beta", "model:beta");
    assertThat(patch.data().get("order")).extracting(JsonNode::asText).doesNotContain("worker:" + beta);
  }

  @Test
  void withAnAdminKeyTheConsoleWantsTheKeyOrTheLoginCookie() throws Exception {
    SimWorker sim = SimWorker.start(SimConfig.of("alpha"));
    open.add(sim);
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH);
    Gateway gateway = Gateway.start(new DeploymentConfig(g, Map.of(),
        List.of(WorkerSpec.of(sim.url(), "alpha", WorkerType.REGULAR, ConnectionMode.HTTP)),
        FleetSettings.DEFAULTS.withAdminApiKey("s3cret"), null));
    open.add(gateway);
    String base = "http://127.0.0.1:" + gateway.port();

    HttpResponse<String> page = get(base + "/console");
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body()).contains("<form id=\"login\"", "Admin key").doesNotContain(sim.url());
    assertThat(get(base + "/console/state").statusCode()).isEqualTo(401);
    HttpResponse<String> events = get(base + "/console/events");
    assertThat(events.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(events.body()).at("/error/message").asText()).contains("admin key");

    HttpResponse<String> wrong = login(base, "guess");
    assertThat(wrong.statusCode()).isEqualTo(303);
    assertThat(wrong.headers().firstValue("location")).hasValue("/console?denied=1");
    assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();

    HttpResponse<String> right = login(base, "s3cret");
    assertThat(right.statusCode()).isEqualTo(303);
    assertThat(right.headers().firstValue("location")).hasValue("/console");
    String cookie = right.headers().firstValue("set-cookie").orElseThrow();
    assertThat(cookie).containsIgnoringCase("httponly").contains("SameSite=Strict", "Path=/console").doesNotContain("s3cret");
    String pair = cookie.substring(0, cookie.indexOf(';'));

    HttpResponse<String> withCookie = get(base + "/console", "cookie", pair);
    assertThat(withCookie.statusCode()).isEqualTo(200);
    assertThat(withCookie.body()).contains("/console/assets/console.js");
    assertThat(withCookie.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routers().ready());
    JsonNode state = JSON.readTree(get(base + "/console/state", "authorization", "Bearer s3cret").body());
    assertThat(state.at("/entries/gateway/action_key").asText()).isEqualTo("admin");
    assertThat(state.at("/entries/worker:" + Worker.idOf(sim.url()) + "/url").asText()).isEqualTo(sim.url());
    assertThat(next(events(URI.create(base + "/console/events"), "cookie", pair)).name()).isEqualTo("snapshot");
    // Assets are code, not data: open, so the login page can load its style.
    assertThat(get(base + "/console/assets/console.css").statusCode()).isEqualTo(200);
    assertThat(get(base + "/console/assets/nope.js").statusCode()).isEqualTo(404);
  }

  @Test
  void withClientKeysButNoAdminKeyTheConsoleIsOpenAndActionsWantAClientKey() throws Exception {
    Fleet fleet = Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("alpha"))),
        g -> g.withApiKeys(List.of(new dev.switchboard.gateway.config.ClientKey("team-a", "k-a", 0, 0, 0))), Map.of());
    open.add(fleet);
    HttpResponse<String> state = get(fleet.uri("/console/state").toString());
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(state.body()).at("/entries/gateway/action_key").asText()).isEqualTo("gateway");
  }

  @Test
  void prefillDecodePoolsSayWhichSideIsMissing() throws Exception {
    SimWorker prefill = SimWorker.start(SimConfig.of("llama").withRole(SimRole.PREFILL));
    SimWorker decode = SimWorker.start(SimConfig.of("llama").withRole(SimRole.DECODE));
    SimWorker lonely = SimWorker.start(SimConfig.of("solo").withRole(SimRole.PREFILL));
    open.add(prefill);
    open.add(decode);
    open.add(lonely);
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH);
    Gateway gateway = Gateway.start(new DeploymentConfig(g, Map.of(), List.of(
        WorkerSpec.of(prefill.url(), "llama", WorkerType.PREFILL, ConnectionMode.HTTP).withBootstrapPort(prefill.bootstrapPort()),
        WorkerSpec.of(decode.url(), "llama", WorkerType.DECODE, ConnectionMode.HTTP),
        WorkerSpec.of(lonely.url(), "solo", WorkerType.PREFILL, ConnectionMode.HTTP).withBootstrapPort(lonely.bootstrapPort()))));
    open.add(gateway);
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy));
    String base = "http://127.0.0.1:" + gateway.port();

    JsonNode e = JSON.readTree(get(base + "/console/state").body()).get("entries");
    assertThat(e.at("/pool:http-pd:llama/routable").asBoolean()).isTrue();
    assertThat(e.at("/pool:http-pd:llama/prefill_policy").asText()).isEqualTo("round_robin");
    assertThat(e.at("/pool:http-pd:llama/workers")).extracting(JsonNode::asText)
        .containsExactly(Worker.idOf(prefill.url()), Worker.idOf(decode.url()));
    // A prefill worker without decode workers makes no PD router for its model, but the console still shows it.
    assertThat(e.at("/pool:http-pd:solo/routable").asBoolean()).isFalse();
    assertThat(e.at("/pool:http-pd:solo/reason").asText()).isEqualTo("no decode worker");
    assertThat(e.at("/pool:http-pd:solo/decode_policy").isNull()).isTrue();
    assertThat(e.at("/model:solo/reason").asText()).isEqualTo("http-pd: no decode worker");

    decode.controls().healthy(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get(base + "/console/state").body())
        .at("/entries/pool:http-pd:llama/reason").asText().equals("no available decode worker (1 unhealthy)"));
  }

  private HttpResponse<String> get(String uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET();
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(String base, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/console/login")).timeout(Duration.ofSeconds(10))
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("key=" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
