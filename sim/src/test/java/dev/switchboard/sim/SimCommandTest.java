package dev.switchboard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimCommandTest {

  @Test
  void flagsBecomeTheWorkerConfig() {
    SimCommand command = new SimCommand();
    new CommandLine(command).parseArgs("--port", "31001", "--model", "llama-3.1-8b", "--type", "prefill",
        "--bootstrap-port", "8998", "--ttft-ms", "2.5", "--tpot-ms", "0.5", "--prefill-us-per-token", "10",
        "--max-concurrent", "8", "--batch-limit", "4", "--max-tokens", "32", "--worker-id", "p-1",
        "--api-key", "k", "--openai-only", "--cache-tokens", "4096", "--seed", "9");
    SimConfig config = command.toConfig();
    assertThat(config.port()).isEqualTo(31001);
    assertThat(config.model()).isEqualTo("llama-3.1-8b");
    assertThat(config.role()).isEqualTo(SimRole.PREFILL);
    assertThat(config.bootstrapPort()).isEqualTo(8998);
    assertThat(config.ttft()).isEqualTo(Duration.ofNanos(2_500_000));
    assertThat(config.timePerToken()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(config.prefillTimePerToken()).isEqualTo(Duration.ofNanos(10_000));
    assertThat(config.maxConcurrent()).isEqualTo(8);
    assertThat(config.batchLimit()).isEqualTo(4);
    assertThat(config.defaultMaxTokens()).isEqualTo(32);
    assertThat(config.workerId()).isEqualTo("p-1");
    assertThat(config.apiKey()).isEqualTo("k");
    assertThat(config.openAiOnly()).isTrue();
    assertThat(config.cacheCapacityTokens()).isEqualTo(4096);
    assertThat(config.seed()).isEqualTo(9);
  }

  @Test
  void defaultsMatchSimConfigDefaults() {
    SimCommand command = new SimCommand();
    new CommandLine(command).parseArgs();
    SimConfig config = command.toConfig();
    SimConfig defaults = SimConfig.defaults();
    assertThat(config.withPort(0).withModel(defaults.model())).isEqualTo(defaults);
  }

  @Test
  void anUnknownTypeIsRejected() {
    SimCommand command = new SimCommand();
    new CommandLine(command).parseArgs("--type", "mixed");
    assertThatThrownBy(command::toConfig).hasMessageContaining("mixed");
  }
}
