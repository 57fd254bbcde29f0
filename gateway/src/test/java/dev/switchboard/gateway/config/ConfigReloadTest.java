package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of a real, edited deployment file. */
class ConfigReloadTest {
  @TempDir Path dir;

  /** What `serve --port 0` would do: the command line's override, applied to every re-read too. */
  private static final UnaryOperator<DeploymentConfig> ANY_PORT = d -> d.withGateway(d.gateway().withPort(0));

  private static String file(String readiness, String workers) {
    return "gateway: {host: 127.0.0.1, port: 1, readiness: " + readiness + ", health_check: {interval_secs: 1, failure_threshold: 1, success_threshold: 1}}\n"
        + "workers:\n" + workers;
  }

  private static String worker(SimWorker s, String model, int priority) {
    return "  - {url: '" + s.url() + "', model: " + model + ", priority: " + priority + "}\n";
  }

  @Test
  void editsAreAppliedAndAnInvalidFileKeepsTheRunningConfiguration() throws Exception {
    Path deploy = dir.resolve("deploy.yaml");
    try (SimWorker a = SimWorker.start(SimConfig.of("m")); SimWorker b = SimWorker.start(SimConfig.of("m"))) {
      Files.writeString(deploy, file("any", worker(a, "m", 50)));
      try (Gateway g = Gateway.start(ANY_PORT.apply(ConfigLoader.load(deploy)))) {
        ConfigWatcher watcher = g.watchConfig(deploy, ANY_PORT, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> g.routers().ready());

        // add b, change a's priority, switch readiness mode: all live
        Files.writeString(deploy, file("all", worker(a, "m", 80) + worker(b, "m", 50)));
        await().atMost(Duration.ofSeconds(10)).until(() -> g.registry().snapshot().byUrl(b.url()) != null
            && g.registry().snapshot().byUrl(a.url()).priority() == 80);
        Worker liveA = g.registry().snapshot().byUrl(a.url());
        assertThat(g.config().fleet().readiness()).isEqualTo(FleetSettings.Readiness.ALL);

        // an invalid file: one line naming the field, nothing changes
        Files.writeString(deploy, file("all", worker(a, "m", 80) + "  - {url: '" + b.url() + "', model: m, type: prefil}\n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.lastError() != null);
        assertThat(watcher.lastError()).contains("workers[1].type", "prefil").doesNotContain("\n");
        assertThat(g.registry().snapshot().all()).hasSize(2);

        // remove a: drained, then gone; b stays; a's live object was kept until then (updated in place)
        Files.writeString(deploy, file("all", worker(b, "m", 50)));
        await().atMost(Duration.ofSeconds(10)).until(() -> g.registry().snapshot().byUrl(a.url()) == null);
        assertThat(liveA.draining()).isTrue();
        assertThat(watcher.lastError()).isNull();
        assertThat(g.registry().snapshot().all()).extracting(Worker::url).containsExactly(b.url());

        // settings that cannot change live are reported, not applied
        DeploymentDiff diff = g.reload(ConfigLoader.parse(file("all", worker(b, "m", 50)).replace("port: 1,", "port: 31999,"), "x.yaml"));
        assertThat(diff.needRestart()).containsExactly("gateway.port");
        assertThat(diff.workersChanged()).isFalse();
      }
    }
  }

  @Test
  void sighupRereadsTheFile() throws Exception {
    Path deploy = dir.resolve("deploy.yaml");
    try (SimWorker a = SimWorker.start(SimConfig.of("m"))) {
      Files.writeString(deploy, file("any", worker(a, "m", 50)));
      try (Gateway g = Gateway.start(ANY_PORT.apply(ConfigLoader.load(deploy)))) {
        ConfigWatcher watcher = g.watchConfig(deploy, ANY_PORT, true);
        assertThat(watcher.applied()).isZero();
        // The file is unchanged, so only the signal can cause this re-read.
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.applied() == 1);
      }
    }
  }
}
