package dev.switchboard.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** What the one scan of a body gathers, and the routing text read from the byte ranges it found. */
class RequestFactsTest {

  private static RequestFacts scan(Endpoint e, String json) {
    return RequestFacts.scan(e, Buffer.buffer(json), MultiMap.caseInsensitiveMultiMap());
  }

  @Test
  void batchSizeCountsSequencesNotTokens() {
    assertThat(scan(Endpoint.GENERATE, "{\"input_ids\":[[1,2],[3],[4]]}").batchSize()).isEqualTo(3);
    assertThat(scan(Endpoint.GENERATE, "{\"input_ids\":[1,2,3]}").batchSize()).isZero();
    assertThat(scan(Endpoint.GENERATE, "{\"text\":[\"a\",\"b\"]}").batchSize()).isEqualTo(2);
    assertThat(scan(Endpoint.GENERATE, "{\"text\":\"a\"}").batchSize()).isZero();
    assertThat(scan(Endpoint.COMPLETIONS, "{\"prompt\":[\"a\",\"b\"]}").batchSize()).isEqualTo(2);
    assertThat(scan(Endpoint.COMPLETIONS, "{\"prompt\":[[1,2],[3]]}").batchSize()).isEqualTo(2);
    assertThat(scan(Endpoint.COMPLETIONS, "{\"prompt\":[1,2,3]}").batchSize()).isZero();
    assertThat(scan(Endpoint.CHAT, "{\"n\":4,\"messages\":[]}").batchSize()).isEqualTo(4);
    assertThat(scan(Endpoint.CHAT, "{\"messages\":[]}").batchSize()).isZero();
  }

  @Test
  void returnLogprobIsTrueWhenAnyElementAsksForIt() {
    assertThat(scan(Endpoint.GENERATE, "{\"return_logprob\":true}").returnLogprob()).isTrue();
    assertThat(scan(Endpoint.GENERATE, "{\"return_logprob\":[false,true]}").returnLogprob()).isTrue();
    assertThat(scan(Endpoint.GENERATE, "{\"return_logprob\":[false]}").returnLogprob()).isFalse();
    assertThat(scan(Endpoint.GENERATE, "{}").returnLogprob()).isFalse();
  }

  @Test
  void routingTextFollowsEachEndpointsFieldsInOrder() {
    assertThat(scan(Endpoint.CHAT, """
        {"model":"m","messages":[{"role":"system","content":"be brief"},
          {"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"x"}}]}]}""")
        .routingText()).isEqualTo("be brief hello");
    assertThat(scan(Endpoint.COMPLETIONS, "{\"prompt\":[\"a\",\"b\"]}").routingText()).isEqualTo("a b");
    assertThat(scan(Endpoint.GENERATE, "{\"input_ids\":[[1,2],[3]]}").routingText()).isEqualTo("1 2 3");
    assertThat(scan(Endpoint.GENERATE, "{\"input_ids\":[9],\"text\":\"t\"}").routingText()).isEqualTo("t");
    assertThat(scan(Endpoint.EMBEDDINGS, "{\"input\":\"e\"}").routingText()).isEqualTo("e");
    assertThat(scan(Endpoint.RERANK, "{\"query\":\"q\",\"documents\":[\"d\"]}").routingText()).isEqualTo("q");
    assertThat(scan(Endpoint.RESPONSES, """
        {"instructions":"i","input":[{"role":"user","content":"c"},{"type":"input_text","text":"t"}]}""")
        .routingText()).isEqualTo("i c t");
    assertThat(scan(Endpoint.CHAT, "{\"model\":\"m\"}").routingText()).isEmpty();
  }

  @Test
  void outOfRangeNumbersAreA400NotACrash() {
    assertThatThrownBy(() -> scan(Endpoint.CHAT, "{\"n\": 99999999999}"))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.error().status()).isEqualTo(400));
    assertThatThrownBy(() -> scan(Endpoint.CHAT, "{\"n\": 0}"))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.error().param()).isEqualTo("n"));
  }

  @Test
  void malformedConstraintHeadersAreRejectedAtTheScan() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-max-cost", "cheap");
    assertThatThrownBy(() -> RequestFacts.scan(Endpoint.CHAT, Buffer.buffer("{}"), headers))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.error().message()).contains("x-max-cost"));
  }

  @Test
  void anSseEventLeftOpenIsCountedAcrossChunks() {
    assertThat(Exchange.trailingNewlines(Buffer.buffer("data: x\n\n"), 0)).isEqualTo(2);
    assertThat(Exchange.trailingNewlines(Buffer.buffer("data: x\r\n\r\n"), 0)).isEqualTo(2);
    assertThat(Exchange.trailingNewlines(Buffer.buffer("data: {\"part"), 2)).isZero();
    assertThat(Exchange.trailingNewlines(Buffer.buffer("\n"), 1)).isEqualTo(2);
  }
}
