package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Policies end to end: a gateway and simulated workers on loopback sockets, requests over HTTP. */
class PolicyRoutingIntegrationTest {
  private static final String MODEL = "sim-model";
  private final List<SimWorker> sims = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Gateway gateway;

  @AfterEach
  void tearDown() {
    if (gateway != null) gateway.close();
    sims.forEach(SimWorker::close);
  }

  private void start(String policy, int workers, UnaryOperator<WorkerSpec> shape) {
    List<WorkerSpec> specs = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      SimWorker sim = SimWorker.start(SimConfig.of(MODEL).withNoLatency().withWorkerId("sim-" + i));
      sims.add(sim);
      specs.add(shape.apply(WorkerSpec.of(sim.url(), MODEL, WorkerType.REGULAR, ConnectionMode.HTTP)));
    }
    GatewaySettings settings = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withPolicy(PolicySpec.named(policy))
        .withHealth(new HealthSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 1, 1, "/health"));
    gateway = Gateway.start(new DeploymentConfig(settings, Map.of(), specs));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy));
  }

  private HttpResponse<String> complete(String prompt, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/completions"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}"));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String servedBy(String prompt, Map<String, String> headers) throws Exception {
    HttpResponse<String> r = complete(prompt, headers);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("x-served-by").orElseThrow();
  }

  @Test
  void cacheAwareSendsRequestsSharingAPrefixToOneWorkerAndOthersElsewhere() throws Exception {
    start("cache_aware", 4, s -> s);
    String system = "you are the helpful assistant of the travel desk and answer briefly ".repeat(6);
    String home = servedBy(system + "first question", Map.of());
    for (int i = 0; i < 8; i++) assertThat(servedBy(system + "question number " + i, Map.of())).isEqualTo(home);
    List<String> others = new ArrayList<>();
    for (String topic : List.of("bicycles need oil", "kettles boil water", "rivers run to the sea")) {
      others.add(servedBy(topic, Map.of()));
    }
    assertThat(others).doesNotContain(home).doesNotHaveDuplicates(); // misses spread over the idle workers
    int hits = sims.stream().filter(s -> s.workerId().equals(home)).mapToInt(s -> (int) s.stats().cachedTokens()).sum();
    assertThat(hits).isPositive(); // the simulated KV cache of that worker really served the shared prefix
  }

  @Test
  void consistentHashKeepsSessionsAndMovesOnlyTheLeavingWorkersSessions() throws Exception {
    start("consistent_hash", 4, s -> s);
    Map<String, String> placed = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String session = "session-" + i;
      String first = servedBy("hello " + i, Map.of("x-session-id", session));
      for (int k = 0; k < 2; k++) assertThat(servedBy("again " + k, Map.of("x-session-id", session))).isEqualTo(first);
      placed.put(session, first);
    }
    assertThat(new java.util.HashSet<>(placed.values())).hasSizeGreaterThan(2);

    SimWorker leaving = sims.get(1);
    gateway.registry().remove(leaving.url());
    int moved = 0;
    for (var e : placed.entrySet()) {
      String now = servedBy("after", Map.of("x-session-id", e.getKey()));
      if (e.getValue().equals(leaving.workerId())) {
        assertThat(now).isNotEqualTo(leaving.workerId());
        moved++;
      } else {
        assertThat(now).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(moved).isEqualTo(placed.values().stream().filter(leaving.workerId()::equals).count());
  }

  @Test
  void priorityTiersAndClientHeadersDecideWhichWorkersMayServe() throws Exception {
    start("round_robin", 2, s -> s.url().equals(sims.get(0).url()) ? s.withPriority(90).withCost(5) : s.withPriority(50).withCost(1));
    String premium = sims.get(0).workerId();
    String standard = sims.get(1).workerId();
    for (int i = 0; i < 4; i++) assertThat(servedBy("hi", Map.of())).isEqualTo(premium);
    for (int i = 0; i < 4; i++) assertThat(servedBy("hi", Map.of("x-max-cost", "2"))).isEqualTo(standard);
    assertThat(servedBy("hi", Map.of("x-worker-priority", "60"))).isEqualTo(premium);

    HttpResponse<String> none = complete("hi", Map.of("x-worker-priority", "95"));
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.body()).contains("no healthy worker of model 'sim-model' meets the request's priority >= 95");
    HttpResponse<String> bad = complete("hi", Map.of("x-max-cost", "cheap"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("header x-max-cost must be a non-negative number, not 'cheap'");

    // the premium tier goes away (the checker's own verdict would follow from the 503s): the lower tier takes over
    sims.get(0).controls().healthy(false);
    gateway.registry().setHealthy(gateway.registry().snapshot().byUrl(sims.get(0).url()), false);
    assertThat(servedBy("hi", Map.of())).isEqualTo(standard);
  }

  @Test
  void loadAwarePoliciesGetTheWorkersOwnLoadReports() {
    start("power_of_two", 2, s -> s);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().all().stream().allMatch(w -> w.reportedLoad() == 0));
  }
}
