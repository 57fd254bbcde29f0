package dev.switchboard.gateway.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  private static RequestFacts facts(Endpoint e, String json) {
    return RequestFacts.scan(e, Buffer.buffer(json), MultiMap.caseInsensitiveMultiMap());
  }

  private static JsonNode inject(Endpoint e, String json, String host, Integer port) throws Exception {
    return RequestFacts.JSON.readTree(Bootstrap.inject(facts(e, json), host, port).getBytes());
  }

  @Test
  void singleRequestGetsScalarFieldsAndKeepsEveryClientField() throws Exception {
    JsonNode out = inject(Endpoint.GENERATE, "{\"text\": \"hi\", \"sampling_params\": {\"max_new_tokens\": 3}}\n", "10.0.0.7", 8998);
    assertThat(out.get("text").asText()).isEqualTo("hi");
    assertThat(out.at("/sampling_params/max_new_tokens").asInt()).isEqualTo(3);
    assertThat(out.get("bootstrap_host").asText()).isEqualTo("10.0.0.7");
    assertThat(out.get("bootstrap_port").asInt()).isEqualTo(8998);
    assertThat(out.get("bootstrap_room").isIntegralNumber()).isTrue();
    assertThat(out.get("bootstrap_room").asLong()).isNotNegative();
  }

  @Test
  void missingBootstrapPortIsJsonNullAndIpv6HostKeepsBrackets() throws Exception {
    JsonNode out = inject(Endpoint.CHAT, "{\"messages\": []}", "[::1]", null);
    assertThat(out.get("bootstrap_port").isNull()).isTrue();
    assertThat(out.get("bootstrap_host").asText()).isEqualTo("[::1]");
  }

  @Test
  void emptyObjectStaysValidJson() throws Exception {
    JsonNode out = inject(Endpoint.RERANK, "{ }", "h", 1);
    assertThat(out.size()).isEqualTo(3);
  }

  @Test
  void batchesGetArraysWithAFreshRoomPerElement() throws Exception {
    assertBatch(inject(Endpoint.GENERATE, "{\"input_ids\": [[1,2],[3],[4,5,6]]}", "h", 7), 3);
    assertBatch(inject(Endpoint.GENERATE, "{\"text\": [\"a\", \"b\"]}", "h", 7), 2);
    assertBatch(inject(Endpoint.COMPLETIONS, "{\"prompt\": [\"a\", \"b\", \"c\", \"d\"]}", "h", 7), 4);
    assertBatch(inject(Endpoint.COMPLETIONS, "{\"prompt\": [[1, 2], [3]]}", "h", 7), 2);
    assertBatch(inject(Endpoint.CHAT, "{\"messages\": [], \"n\": 3}", "h", 7), 3);
  }

  @Test
  void notBatches() throws Exception {
    assertThat(inject(Endpoint.GENERATE, "{\"input_ids\": [1, 2, 3]}", "h", 7).get("bootstrap_room").isIntegralNumber()).isTrue();
    assertThat(inject(Endpoint.COMPLETIONS, "{\"prompt\": [1, 2, 3]}", "h", 7).get("bootstrap_room").isIntegralNumber()).isTrue();
    assertThat(inject(Endpoint.CHAT, "{\"messages\": [], \"n\": 1}", "h", 7).get("bootstrap_room").isIntegralNumber()).isTrue();
  }

  private static void assertBatch(JsonNode out, int n) {
    assertThat(out.get("bootstrap_host")).hasSize(n).allSatisfy(h -> assertThat(h.asText()).isEqualTo("h"));
    assertThat(out.get("bootstrap_port")).hasSize(n).allSatisfy(p -> assertThat(p.asInt()).isEqualTo(7));
    Set<Long> rooms = new HashSet<>();
    out.get("bootstrap_room").forEach(r -> rooms.add(r.asLong()));
    assertThat(rooms).hasSize(n).allSatisfy(r -> assertThat(r).isNotNegative());
  }

  @Test
  void clientBootstrapFieldsAreReplacedNotDuplicated() throws Exception {
    String body = "{\"text\": \"x\", \"bootstrap_room\": 5, \"bootstrap_host\": \"evil\"}";
    Buffer out = Bootstrap.inject(facts(Endpoint.GENERATE, body), "good", 9);
    String s = out.toString();
    assertThat(s.split("bootstrap_host", -1)).hasSize(2);
    JsonNode json = RequestFacts.JSON.readTree(out.getBytes());
    assertThat(json.get("bootstrap_host").asText()).isEqualTo("good");
    assertThat(json.get("bootstrap_port").asInt()).isEqualTo(9);
  }

  @Test
  void clientBootstrapFieldsAnywhereAreCutFromTheBytesAndTheRestKeptVerbatim() throws Exception {
    String[] bodies = {
        "{\"bootstrap_host\":\"evil\",\"text\":\"x\"}",
        "{\"text\":\"x\",\"bootstrap_host\":\"evil\"}",
        "{ \"bootstrap_room\" : 5 , \"bootstrap_port\":[1,2], \"text\" : \"x\" }",
        "{\"text\":\"x\", \"bootstrap_room\":{\"a\":1}, \"n\":1}",
        "{\"bootstrap_room\":5}",
    };
    for (String body : bodies) {
      String out = Bootstrap.inject(facts(Endpoint.GENERATE, body), "good", 9).toString();
      JsonNode json = RequestFacts.JSON.readTree(out);
      assertThat(out.split("bootstrap_room", -1)).as(out).hasSize(2);
      assertThat(json.get("bootstrap_host").asText()).as(out).isEqualTo("good");
      assertThat(json.get("bootstrap_port").asInt()).as(out).isEqualTo(9);
      if (body.contains("\"text\"")) assertThat(json.get("text").asText()).as(out).isEqualTo("x");
      if (body.contains("\"n\"")) assertThat(json.get("n").asInt()).as(out).isEqualTo(1);
    }
    // what the client wrote outside the cut fields is byte for byte the same
    String out = Bootstrap.inject(facts(Endpoint.GENERATE, "{\"text\" :  \"x\",\"bootstrap_room\":5,\"n\": 1}"), "h", 1).toString();
    assertThat(out).startsWith("{\"text\" :  \"x\",\"n\": 1,\"bootstrap_host\":");
  }

  @Test
  void textMentioningBootstrapIsSplicedNotRewritten() throws Exception {
    String body = "{\"text\": \"what is \\\"bootstrap_room\\\"?\"}";
    JsonNode json = inject(Endpoint.GENERATE, body, "h", 1);
    assertThat(json.get("text").asText()).isEqualTo("what is \"bootstrap_room\"?");
    assertThat(json.get("bootstrap_room").isIntegralNumber()).isTrue();
  }

  @Test
  void roomsCoverTheWhole63BitRange() {
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long r = Bootstrap.newRoom();
      assertThat(r).isNotNegative();
      max = Math.max(max, r);
    }
    // 2,000 uniform draws all below 2^62 has probability 2^-2000.
    assertThat(max).isGreaterThan(1L << 62);
  }
}
