package dev.switchboard.gateway.metrics;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.Fleet.SimSpec;
import dev.switchboard.gateway.testing.PromText;
import dev.switchboard.gateway.testing.RepoFiles;
import dev.switchboard.gateway.worker.Worker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in deploy/grafana queries only metrics a running gateway exposes. */
class DashboardTest {
  private static final Pattern METRIC = Pattern.compile("\\bswitchboard_[a-z_]+\\b");

  /** Every PromQL expression of the dashboard: panel targets and template-variable queries. */
  private static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode t : panel.path("targets")) out.add(t.path("expr").asText());
    }
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) out.add(v.path("query").path("query").asText());
    }
    return out;
  }

  @Test
  void everyMetricTheDashboardQueriesIsInARealScrape() throws Exception {
    JsonNode dashboard = RequestFacts.JSON.readTree(Files.readString(RepoFiles.repoRoot().resolve("deploy/grafana/switchboard.json")));
    assertThat(dashboard.path("uid").asText()).isEqualTo("switchboard-gateway");
    List<String> exprs = expressions(dashboard);
    assertThat(exprs).hasSizeGreaterThan(20).allSatisfy(e -> assertThat(e).containsPattern(METRIC));
    Set<String> queried = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) queried.add(m.group());
    }

    try (Fleet f = Fleet.start(List.of(SimSpec.of(sim("m")), SimSpec.of(sim("m"))),
        g -> g.withPolicy(new PolicySpec("cache_aware", Map.of())).withApiKeys(List.of(new ClientKey("team-a", "k-a", 600, 100000, 1))),
        Map.of()).awaitReady()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> f.gateway().registry().snapshot().all().stream().allMatch(Worker::isHealthy));
      for (int i = 0; i < 2; i++) {
        assertThat(f.post("/v1/chat/completions", chat("m", "dashboard traffic", false), "authorization", "Bearer k-a").statusCode()).isEqualTo(200);
        assertThat(f.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"dashboard stream\"}]}", "authorization", "Bearer k-a").statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Set<String> scraped = PromText.parse(f.get("/metrics").body()).names();
        assertThat(scraped).containsAll(queried);
      });
    }
  }
}
