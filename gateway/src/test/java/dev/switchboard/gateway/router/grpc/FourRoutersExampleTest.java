package dev.switchboard.gateway.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.router.RouterPlan;
import dev.switchboard.gateway.testing.RepoFiles;
import org.junit.jupiter.api.Test;

class FourRoutersExampleTest {

  @Test
  void fourRoutersExamplePlansAllFourRoutersAndNamesTheGrpcTokenizers() {
    DeploymentConfig config = ConfigLoader.load(RepoFiles.repoRoot().resolve("examples/four-routers.yaml"));
    assertThat(RouterPlan.of(config.workers()).toJson()).isEqualTo("{\"routers\":{\"http-regular\":[\"qwen-2.5\"],"
        + "\"http-pd\":[\"llama-3.1-8b\"],\"grpc-regular\":[\"mistral-7b\"],\"grpc-pd\":[\"qwen3-8b\"]}}");
    assertThat(config.model("mistral-7b").tokenizer()).isEqualTo("/models/mistral-7b-instruct");
    assertThat(config.model("qwen3-8b").tokenizer()).isEqualTo("/models/qwen3-8b");
  }
}
