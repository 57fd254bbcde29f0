package dev.switchboard.gateway.kv;

import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.KvEventsSpec;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import dev.switchboard.sim.kv.KvDialect;
import dev.switchboard.sim.kv.KvEventPublisher;
import dev.switchboard.sim.kv.KvEventsOptions;
import dev.switchboard.text.BundledTokenizers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Simulated workers that tokenize with Qwen3's tokenizer and publish KV events, and a gateway in front of them
 * whose model has the same tokenizer, on loopback. {@code explicit}: the gateway gets each worker's {@code kv_events}
 * in its spec; otherwise it discovers them from the worker's {@code /get_server_info} (SGLang workers only).
 */
final class KvFleet implements AutoCloseable {
  static final String MODEL = "qwen3";

  final List<SimWorker> sims = new ArrayList<>();
  final List<KvEventPublisher> publishers = new ArrayList<>();
  final Gateway gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  KvFleet(int workers, KvDialect dialect, boolean explicit, String policy) {
    List<WorkerSpec> specs = new ArrayList<>();
    try {
      for (int i = 0; i < workers; i++) {
        SimConfig c = SimConfig.of(MODEL).withNoLatency().withSeed(7 + i).withDefaultMaxTokens(4)
            .withTokenizerPath(BundledTokenizers.qwen3Dir().toString()).withOpenAiOnly(dialect == KvDialect.VLLM);
        SimWorker sim = SimWorker.start(c);
        sims.add(sim);
        KvEventPublisher p = sim.startKvEvents(KvEventsOptions.of(dialect).withTopic(dialect == KvDialect.VLLM ? "kv@" + i : ""));
        publishers.add(p);
        WorkerSpec spec = WorkerSpec.of(sim.url(), MODEL, WorkerType.REGULAR, ConnectionMode.HTTP);
        if (explicit) spec = spec.withKvEvents(new KvEventsSpec(p.endpoint(), p.replayEndpoint(), p.options().topic()));
        specs.add(spec);
      }
      GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH)
          .withPolicy(PolicySpec.named(policy));
      Map<String, ModelSettings> models = Map.of(MODEL,
          ModelSettings.NONE.withTokenizer(BundledTokenizers.qwen3Dir().toString()));
      gateway = Gateway.start(new DeploymentConfig(g, models, specs));
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.routers().ready());
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.registry().snapshot().all().stream()
          .allMatch(w -> gateway.kvEvents().synced(w)));
      await().atMost(Duration.ofSeconds(20)).until(() -> ids(chat("warm", "up")) != null); // the tokenizer has loaded
    } catch (RuntimeException e) {
      sims.forEach(SimWorker::close);
      throw e;
    }
  }

  Worker worker(int i) {
    return gateway.registry().snapshot().byUrl(sims.get(i).url());
  }

  KvIndex index() {
    return gateway.kvEvents().index();
  }

  KvSubscriber.Stats stats(int i) {
    return gateway.kvEvents().stats(worker(i));
  }

  /** The token ids the gateway computes for a chat body. */
  int[] ids(String chatBody) throws Exception {
    return gateway.kvEvents().prompts().encode(MODEL, "/v1/chat/completions",
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(chatBody));
  }

  /** Leading blocks of the chat's prompt the index says worker {@code i} holds. */
  int cachedBlocks(String chatBody, int i) throws Exception {
    return index().cachedBlocks(ids(chatBody), List.of(worker(i)))[0];
  }

  HttpResponse<String> direct(int i, String body) throws Exception {
    return post(URI.create(sims.get(i).url() + "/v1/chat/completions"), body);
  }

  HttpResponse<String> viaGateway(String body) throws Exception {
    return post(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"), body);
  }

  private HttpResponse<String> post(URI uri, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError(uri + " answered " + r.statusCode() + ": " + r.body());
    return r;
  }

  /** A chat with a long system prompt (about 30 blocks of 16 tokens) and a short question. */
  static String chat(String system, String question) {
    return "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"system\",\"content\":\"" + system
        + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
  }

  static String system(int seed) {
    StringBuilder sb = new StringBuilder();
    java.util.Random r = new java.util.Random(seed);
    String[] words = {"river", "stone", "quiet", "lantern", "meadow", "copper", "harbor", "violet", "summit", "ember"};
    for (int i = 0; i < 400; i++) sb.append(words[r.nextInt(words.length)]).append(i % 12 == 11 ? ". " : " ");
    return "You are assistant " + seed + ". " + sb;
  }

  @Override
  public void close() {
    gateway.close();
    sims.forEach(SimWorker::close);
  }
}
