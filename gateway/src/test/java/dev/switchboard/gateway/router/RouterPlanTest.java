package dev.switchboard.gateway.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.testing.RepoFiles;
import org.junit.jupiter.api.Test;

class RouterPlanTest {

  @Test
  void seedExampleProducesTheSeedsRouters() {
    DeploymentConfig config = ConfigLoader.load(RepoFiles.repoRoot().resolve("examples/seed-deployment.yaml"));
    RouterPlan plan = RouterPlan.of(config.workers());
    assertThat(plan.toJson()).isEqualTo(
        "{\"routers\":{\"http-regular\":[\"llama-3.1-8b\",\"qwen-2.5\"],\"http-pd\":[\"llama-3.1-8b\"],\"grpc-regular\":[\"mistral-7b\"]}}");
    assertThat(plan.routers()).doesNotContainKey(RouterId.GRPC_PD);
  }

  @Test
  void pdRouterNeedsBothHalvesOnTheSameConnection() {
    DeploymentConfig config = ConfigLoader.parse("""
        workers:
          - {url: "http://p:1", model: a, type: prefill}
          - {url: "http://d:1", model: a, type: decode}
          - {url: "grpc://p:2", model: b, type: prefill}
          - {url: "grpc://d:2", model: b, type: decode}
          - {url: "grpc://r:2", model: a}
        """, "t.yaml");
    RouterPlan plan = RouterPlan.of(config.workers());
    assertThat(plan.models(RouterId.HTTP_PD)).containsExactly("a");
    assertThat(plan.models(RouterId.GRPC_PD)).containsExactly("b");
    assertThat(plan.models(RouterId.GRPC_REGULAR)).containsExactly("a");
    assertThat(plan.routers()).hasSize(3);
  }
}
