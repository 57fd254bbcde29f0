package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.router.RouterId;
import static dev.switchboard.gateway.router.http.PdFleet.HTTP;
import static dev.switchboard.gateway.router.http.PdFleet.MODEL;
import static dev.switchboard.gateway.router.http.PdFleet.inference;
import static dev.switchboard.gateway.router.http.PdFleet.json;
import static dev.switchboard.gateway.router.http.PdFleet.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimWorker;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP PD router over real sockets: a gateway in front of two simulated prefill and two simulated decode
 * workers. The decode simulator refuses a request whose bootstrap room its prefill has not seen, so a request that
 * succeeds here was paired the way a real SGLang fleet needs.
 */
@Timeout(60)
class HttpPdRouterTest {
  private static final List<SimWorker> prefills = new ArrayList<>();
  private static final List<SimWorker> decodes = new ArrayList<>();
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    prefills.add(PdFleet.prefill());
    prefills.add(PdFleet.prefill());
    decodes.add(PdFleet.decode());
    decodes.add(PdFleet.decode());
    gateway = PdFleet.gateway(Duration.ofMillis(500), 3,
        prefills.get(0), prefills.get(1), decodes.get(0), decodes.get(1));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
    prefills.forEach(SimWorker::close);
    decodes.forEach(SimWorker::close);
  }

  @BeforeEach
  void resetSims() {
    for (SimWorker s : all()) {
      s.controls().reset();
      s.stats().reset();
      s.clearReceived();
    }
  }

  private static List<SimWorker> all() {
    List<SimWorker> all = new ArrayList<>(prefills);
    all.addAll(decodes);
    return all;
  }

  private static long sum(List<SimWorker> sims, java.util.function.ToLongFunction<SimWorker> f) {
    return sims.stream().mapToLong(f).sum();
  }

  /** Every decode request, keyed by its bootstrap room, and the prefill request with the same room. */
  private record Paired(RecordedRequest prefill, SimWorker prefillSim, RecordedRequest decode) {}

  private static Map<String, Paired> pairs(String path) {
    Map<String, RecordedRequest> prefillByRoom = new HashMap<>();
    Map<String, SimWorker> prefillSimByRoom = new HashMap<>();
    for (SimWorker p : prefills) {
      for (RecordedRequest r : inference(p, path)) {
        String room = json(r.bodyAsString()).get("bootstrap_room").toString();
        assertThat(prefillByRoom.put(room, r)).as("room %s sent to prefill twice", room).isNull();
        prefillSimByRoom.put(room, p);
      }
    }
    Map<String, Paired> out = new HashMap<>();
    for (SimWorker d : decodes) {
      for (RecordedRequest r : inference(d, path)) {
        String room = json(r.bodyAsString()).get("bootstrap_room").toString();
        assertThat(prefillByRoom).as("decode room %s has a prefill", room).containsKey(room);
        assertThat(out.put(room, new Paired(prefillByRoom.get(room), prefillSimByRoom.get(room), r))).isNull();
      }
    }
    return out;
  }

  private static void assertPairedCorrectly(Paired p) {
    assertThat(p.decode().bodyAsString()).as("the same bytes go to both workers").isEqualTo(p.prefill().bodyAsString());
    JsonNode body = json(p.decode().bodyAsString());
    Integer port = PdFleet.bootstrapPort(p.prefillSim());
    for (JsonNode host : body.get("bootstrap_host").isArray() ? body.get("bootstrap_host") : List.of(body.get("bootstrap_host"))) {
      assertThat(host.asText()).isEqualTo(p.prefillSim().host());
    }
    for (JsonNode bp : body.get("bootstrap_port").isArray() ? body.get("bootstrap_port") : List.of(body.get("bootstrap_port"))) {
      if (port == null) assertThat(bp.isNull()).isTrue();
      else assertThat(bp.asInt()).isEqualTo(port);
    }
  }

  @Test
  void twoHundredConcurrentRequestsAreEachPairedCorrectly() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String body = "{\"text\": \"request number " + i + "\", \"sampling_params\": {\"max_new_tokens\": 4}}";
      calls.add(HTTP.sendAsync(PdFleet.request(gateway, "/generate", body), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r.body()).get("text").asText()).isNotEmpty();
    }
    Map<String, Paired> pairs = pairs("/generate");
    assertThat(pairs).as("one pair per request (no retries); decode bootstrap failures: %d",
        sum(decodes, s -> s.stats().bootstrapFailures())).hasSize(200);
    pairs.values().forEach(HttpPdRouterTest::assertPairedCorrectly);
    assertThat(sum(prefills, s -> inference(s, "/generate").size())).isEqualTo(200);
    assertThat(sum(decodes, s -> s.stats().bootstrapFailures())).isZero();
    // Both pools were used (round robin), and every lease was given back.
    assertThat(prefills).allSatisfy(p -> assertThat(inference(p, "/generate")).isNotEmpty());
    assertThat(decodes).allSatisfy(d -> assertThat(inference(d, "/generate")).isNotEmpty());
    await().untilAsserted(() -> assertThat(gateway.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero()));
  }

  @Test
  void batchesGetOneFreshRoomPerSequence() {
    HttpResponse<String> r = post(gateway, "/generate",
        "{\"input_ids\": [[11, 12, 13], [21, 22], [31]], \"sampling_params\": {\"max_new_tokens\": 3}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r.body())).hasSize(3);

    HttpResponse<String> chat = post(gateway, "/v1/chat/completions",
        "{\"model\": \"pd-model\", \"n\": 2, \"max_tokens\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    assertThat(json(chat.body()).get("choices")).hasSize(2);

    Map<String, Paired> generate = pairs("/generate");
    assertThat(generate).hasSize(1);
    Paired p = generate.values().iterator().next();
    assertPairedCorrectly(p);
    JsonNode rooms = json(p.decode().bodyAsString()).get("bootstrap_room");
    assertThat(rooms).hasSize(3);
    assertThat(Stream.of(rooms.get(0), rooms.get(1), rooms.get(2)).map(JsonNode::asLong).distinct()).hasSize(3);

    Map<String, Paired> chats = pairs("/v1/chat/completions");
    assertThat(chats).hasSize(1);
    assertPairedCorrectly(chats.values().iterator().next());
    assertThat(json(chats.values().iterator().next().decode().bodyAsString()).get("bootstrap_room")).hasSize(2);
  }

  @Test
  void completionsAndRerankAreDualDispatchedToo() {
    HttpResponse<String> c = post(gateway, "/v1/completions",
        "{\"model\": \"pd-model\", \"prompt\": [\"a b c\", \"d e f\"], \"max_tokens\": 2}");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
    Map<String, Paired> completions = pairs("/v1/completions");
    assertThat(completions).hasSize(1);
    assertPairedCorrectly(completions.values().iterator().next());
    assertThat(json(completions.values().iterator().next().decode().bodyAsString()).get("bootstrap_room")).hasSize(2);
  }

  @Test
  void streamIsDeliveredChunkByChunkWhileBothWorkersAreLeased() throws Exception {
    decodes.forEach(d -> d.controls().holdStreamsAfterFirstEvent(true));
    HttpResponse<Stream<String>> r = HTTP.send(PdFleet.request(gateway, "/generate",
        "{\"text\": \"stream me\", \"stream\": true, \"sampling_params\": {\"max_new_tokens\": 5}}"),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
    Iterator<String> lines = r.body().iterator();
    String first = CompletableFuture.supplyAsync(lines::next).get(10, TimeUnit.SECONDS);
    assertThat(first).startsWith("data: {");
    // The decode worker is provably still holding its stream, and both halves are still counted as load.
    assertThat(sum(decodes, s -> s.stats().completed())).isZero();
    assertThat(gateway.registry().snapshot().all().stream().mapToInt(Worker::inFlight).sum()).isEqualTo(2);
    decodes.forEach(d -> d.controls().releaseStreams());
    List<String> rest = new ArrayList<>();
    lines.forEachRemaining(rest::add);
    assertThat(rest).contains("data: [DONE]");
    assertThat(rest.stream().filter(l -> l.startsWith("data: {")).count()).isGreaterThanOrEqualTo(1);
    await().untilAsserted(() -> assertThat(gateway.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero()));
  }

  @Test
  void prefillLogprobsGoInFrontOfDecodes() {
    HttpResponse<String> r = post(gateway, "/generate",
        "{\"text\": \"one two three four\", \"return_logprob\": true, \"sampling_params\": {\"max_new_tokens\": 3}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertMerged(json(r.body()));
  }

  @Test
  void prefillLogprobsGoInFrontOfEveryStreamedDecodeEvent() throws Exception {
    HttpResponse<Stream<String>> r = HTTP.send(PdFleet.request(gateway, "/generate",
        "{\"text\": \"one two three four\", \"return_logprob\": true, \"stream\": true, \"sampling_params\": {\"max_new_tokens\": 3}}"),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = r.body().filter(l -> l.startsWith("data: ")).toList();
    assertThat(events).last().isEqualTo("data: [DONE]");
    List<String> json = events.subList(0, events.size() - 1);
    assertThat(json).isNotEmpty().allSatisfy(e -> assertMerged(json(e.substring(6))));
    // The prefill answered as a stream too (the request said stream): its logprobs were still found.
    RecordedRequest toPrefill = prefills.stream().flatMap(p -> inference(p, "/generate").stream()).findFirst().orElseThrow();
    assertThat(json(toPrefill.bodyAsString()).get("stream").asBoolean()).isTrue();
  }

  /**
   * The prefill computed the whole prompt's logprobs (the first token's is null), the decode only the last
   * token's: merged, the prefill's list comes first and the decode's entry last.
   */
  private static void assertMerged(JsonNode result) {
    JsonNode meta = result.get("meta_info");
    int prompt = meta.get("prompt_tokens").asInt();
    JsonNode merged = meta.get("input_token_logprobs");
    assertThat(prompt).isGreaterThan(1);
    assertThat(merged).hasSize(prompt + 1);
    assertThat(merged.get(0).get(0).isNull()).as("the prefill's list is in front").isTrue();
    assertThat(merged.get(prompt)).as("the decode's tail is last").isEqualTo(merged.get(prompt - 1));
  }

  @Test
  void withoutLogprobsTheDecodeAnswerIsRelayedByteForByte() {
    HttpResponse<String> r = post(gateway, "/generate", "{\"text\": \"plain\", \"sampling_params\": {\"max_new_tokens\": 2}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r.body()).get("meta_info").has("input_token_logprobs")).isFalse();
  }

  @Test
  void aDecodeErrorIsTheAnswerWhenItIsNotRetryable() {
    decodes.forEach(d -> d.controls().failNext(1, 400));
    HttpResponse<String> r = post(gateway, "/generate", "{\"text\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("injected fault 400");
    assertThat(sum(decodes, s -> s.stats().faultsInjected())).isEqualTo(1);
  }

  @Test
  void aPrefillErrorIsTheAnswerWithItsStatusAndTheDecodeIsCancelled() {
    prefills.forEach(p -> p.controls().failNext(1, 422));
    HttpResponse<String> r = post(gateway, "/generate", "{\"text\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(422);
    JsonNode error = json(r.body()).get("error");
    assertThat(error.get("message").asText()).contains("prefill worker").contains("422").contains("injected fault 422");
    // The decode would wait 15 s for a room its failed prefill never registered: it is cancelled instead (or never
    // sent, when the prefill's answer came first).
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(sum(decodes, s -> s.stats().cancelled())).isEqualTo(sum(decodes, s -> inference(s, "/generate").size()));
      assertThat(sum(decodes, s -> s.stats().inFlight())).isZero();
      assertThat(gateway.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
    });
    assertThat(sum(decodes, s -> s.stats().bootstrapFailures())).isZero();
  }

  @Test
  void aRetryableFailureIsRetriedOnANewPairWithANewRoom() {
    SimWorker failing = decodes.get(0);
    failing.controls().failNext(100, 503);
    decodes.get(1).controls().reset();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = post(gateway, "/generate", "{\"text\": \"retry " + i + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(failing.stats().faultsInjected()).isPositive();
    // Every attempt was a fresh pair: the prefills saw one room per attempt, never one twice.
    long attempts = sum(prefills, p -> inference(p, "/generate").size());
    assertThat(attempts).isEqualTo(4 + failing.stats().faultsInjected());
    assertThat(pairs("/generate")).hasSize((int) attempts);
  }

  @Test
  void clientLeavingMidStreamCancelsTheDecodeAndReleasesBothLeases() throws Exception {
    decodes.forEach(d -> d.controls().holdStreamsAfterFirstEvent(true));
    try (Socket socket = streamingRequest("leave mid-stream")) {
      readUntil(socket.getInputStream(), "data: {");
      assertThat(gateway.registry().snapshot().all().stream().mapToInt(Worker::inFlight).sum()).isEqualTo(2);
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(sum(decodes, s -> s.stats().cancelled())).isEqualTo(1);
      assertThat(gateway.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
    });
  }

  @Test
  void clientLeavingWhileBothWorkAbortsBothUpstreamRequests() throws Exception {
    prefills.forEach(p -> p.controls().hang(true));
    decodes.forEach(d -> d.controls().holdStreamsAfterFirstEvent(true));
    try (Socket socket = streamingRequest("leave before the answer")) {
      await().atMost(Duration.ofSeconds(5)).until(() ->
          sum(prefills, s -> inference(s, "/generate").size()) == 1 && sum(decodes, s -> inference(s, "/generate").size()) == 1);
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(sum(prefills, s -> s.stats().cancelled())).isEqualTo(1);
      assertThat(sum(decodes, s -> s.stats().cancelled())).isEqualTo(1);
      assertThat(gateway.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
    });
  }

  private static Socket streamingRequest(String text) throws Exception {
    String body = "{\"text\": \"" + text + "\", \"stream\": true, \"sampling_params\": {\"max_new_tokens\": 8}}";
    Socket socket = new Socket("127.0.0.1", gateway.port());
    OutputStream out = socket.getOutputStream();
    out.write(("POST /generate HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  private static void readUntil(InputStream in, String marker) throws Exception {
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[4096];
    while (!seen.toString().contains(marker)) {
      int n = in.read(buf);
      assertThat(n).as("stream ended before %s", marker).isPositive();
      seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
  }

  @Test
  void embeddingsAreNotServedByPdWorkers() {
    HttpResponse<String> r = post(gateway, "/v1/embeddings", "{\"model\": \"pd-model\", \"input\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(501);
    assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("not_implemented");
    assertThat(sum(all(), s -> inference(s, "/v1/embeddings").size())).isZero();
  }

}
