package dev.switchboard.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery against fabric8's mock API server in CRUD mode: the real client, a real watch over HTTP. The "pods"
 * are simulated workers on 127.0.0.2, .3, ... all on one port, as pods of a Deployment share theirs.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesDiscoveryTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final String NS = "llm";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<SimWorker> sims = new ArrayList<>();
  private Gateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
    sims.forEach(SimWorker::close);
    client.pods().inNamespace(NS).delete();
    client.pods().inNamespace("other").delete();
  }

  /** Starts one sim per address, all on the same port (retrying with another port if one is taken). */
  private int startSims(List<SimConfig> configs) throws Exception {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
        port = s.getLocalPort();
      }
      try {
        for (int i = 0; i < configs.size(); i++) sims.add(SimWorker.start(configs.get(i).withHost("127.0.0." + (i + 2)).withPort(port)));
        return port;
      } catch (RuntimeException e) {
        sims.forEach(SimWorker::close);
        sims.clear();
        if (attempt == 5) throw e;
      }
    }
  }

  private Gateway start(String discovery) {
    DeploymentConfig c = ConfigLoader.parse("gateway: {host: 127.0.0.1, port: 1}\ndiscovery:\n  kubernetes:\n" + discovery, "deploy.yaml");
    c = c.withGateway(c.gateway().withPort(0).withHealth(Fleet.FAST_HEALTH));
    gateway = Gateway.start(c, () -> server.createClient());
    return gateway;
  }

  private static Pod pod(String name, String ip, Map<String, String> labels, Map<String, String> annotations, boolean running, boolean ready) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).withAnnotations(annotations).endMetadata()
        .withNewSpec().addNewContainer().withName("sglang").withImage("lmsysorg/sglang").endContainer().endSpec()
        .withNewStatus().withPhase(running ? "Running" : "Pending").withPodIP(ip)
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
        .build();
  }

  private void put(Pod p) {
    client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).createOr(r -> r.update());
  }

  private Worker worker(String ip, int port) {
    return gateway.registry().snapshot().byUrl("http://" + ip + ":" + port);
  }

  private JsonNode routers() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/routers")).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("routers");
  }

  @Test
  void readyPodsBecomeWorkersAndGoneOnesAreRemoved() throws Exception {
    int port = startSims(List.of(SimConfig.of("m"), SimConfig.of("m"), SimConfig.of("asked")));
    start("    namespace: llm\n    selector: {app: sglang}\n    port: " + port + "\n    model_label: model\n    debounce_ms: 50\n    resync_secs: 1\n");
    assertThat(gateway.registry().snapshot().all()).isEmpty();
    assertThat(routers().size()).isZero();

    Map<String, String> m = Map.of("app", "sglang", "model", "m");
    put(pod("a", "127.0.0.2", m, Map.of(), false, false));                         // pending
    put(pod("other", "127.0.0.9", Map.of("app", "nginx", "model", "m"), Map.of(), true, true)); // not selected
    put(pod("b", "127.0.0.3", m, Map.of(), true, true));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.3", port) != null);
    assertThat(worker("127.0.0.2", port)).isNull();
    assertThat(worker("127.0.0.9", port)).isNull();
    assertThat(worker("127.0.0.3", port).labels()).containsEntry("pod", "b").containsEntry("namespace", NS);

    put(pod("a", "127.0.0.2", m, Map.of(), true, true));                           // now Running and Ready
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.2", port) != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.routers().ready());
    JsonNode regular = routers().path("http-regular").path("models").path(0);
    assertThat(regular.path("model").asText()).isEqualTo("m");
    assertThat(regular.path("workers").size()).isEqualTo(2);

    // A pod without the model label is asked for its model.
    put(pod("c", "127.0.0.4", Map.of("app", "sglang"), Map.of(), true, true));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.4", port) != null);
    assertThat(worker("127.0.0.4", port).model()).isEqualTo("asked");

    // Deleted or no longer ready: drained and removed.
    client.pods().inNamespace(NS).withName("a").delete();
    put(pod("c", "127.0.0.4", Map.of("app", "sglang"), Map.of(), true, false));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.2", port) == null && worker("127.0.0.4", port) == null);
    assertThat(gateway.registry().snapshot().all()).extracting(Worker::url).containsExactly("http://127.0.0.3:" + port);
    client.pods().inNamespace(NS).withName("b").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().all().isEmpty());
    assertThat(routers().size()).isZero();
  }

  @Test
  void prefillAndDecodeSelectorsAndTheBootstrapAnnotation() throws Exception {
    int port = startSims(List.of(SimConfig.of("m").withRole(SimRole.PREFILL), SimConfig.of("m").withRole(SimRole.DECODE)));
    start("    namespace: llm\n    prefill_selector: {app: sglang, role: prefill}\n    decode_selector: {app: sglang, role: decode}\n"
        + "    port: " + port + "\n    model_label: model\n    debounce_ms: 50\n");
    put(pod("p", "127.0.0.2", Map.of("app", "sglang", "role", "prefill", "model", "m"), Map.of("sglang.ai/bootstrap-port", "8998"), true, true));
    put(pod("d", "127.0.0.3", Map.of("app", "sglang", "role", "decode", "model", "m"), Map.of(), true, true));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.2", port) != null && worker("127.0.0.3", port) != null);
    assertThat(worker("127.0.0.2", port).type()).isEqualTo(WorkerType.PREFILL);
    assertThat(worker("127.0.0.2", port).bootstrapPort()).isEqualTo(8998);
    assertThat(worker("127.0.0.3", port).type()).isEqualTo(WorkerType.DECODE);
    await().atMost(Duration.ofSeconds(10)).until(() -> routers().has("http-pd"));
  }

  @Test
  void severalNamespacesAndTheConnectionAnnotation() throws Exception {
    int port = startSims(List.of(SimConfig.of("m")));
    start("    namespaces: [llm, other]\n    selector: {app: sglang}\n    port: " + port + "\n    model_label: model\n    debounce_ms: 50\n");
    Pod elsewhere = pod("x", "127.0.0.2", Map.of("app", "sglang", "model", "m"), Map.of(), true, true);
    elsewhere.getMetadata().setNamespace("other");
    put(elsewhere);
    put(pod("g", "127.0.0.7", Map.of("app", "sglang", "model", "m"), Map.of("switchboard/connection", "grpc"), true, true));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker("127.0.0.2", port) != null
        && gateway.registry().snapshot().byUrl("grpc://127.0.0.7:" + port) != null);
    assertThat(worker("127.0.0.2", port).labels()).containsEntry("namespace", "other");
    assertThat(gateway.registry().snapshot().byUrl("grpc://127.0.0.7:" + port).connection()).isEqualTo(dev.switchboard.gateway.worker.ConnectionMode.GRPC);
  }
}
