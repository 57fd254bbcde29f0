package dev.switchboard.gateway.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class PrefillLogprobsTest {
  private static final String PREFILL = "{\"text\":\"p\",\"meta_info\":{\"input_token_logprobs\":[[null,1,null],[-0.5,2,null]]}}";
  private static final String DECODE = "{\"text\":\"d\",\"meta_info\":{\"input_token_logprobs\":[[-0.25,3,null]],\"id\":\"x\"}}";

  private static JsonNode json(Buffer b) throws Exception {
    return RequestFacts.JSON.readTree(b.getBytes());
  }

  @Test
  void wantedOnlyForGenerateWithReturnLogprob() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    assertThat(PrefillLogprobs.wanted(RequestFacts.scan(Endpoint.GENERATE, Buffer.buffer("{\"text\":\"a\",\"return_logprob\":true}"), h))).isTrue();
    assertThat(PrefillLogprobs.wanted(RequestFacts.scan(Endpoint.GENERATE, Buffer.buffer("{\"text\":[\"a\",\"b\"],\"return_logprob\":[false,true]}"), h))).isTrue();
    assertThat(PrefillLogprobs.wanted(RequestFacts.scan(Endpoint.GENERATE, Buffer.buffer("{\"text\":\"a\",\"return_logprob\":false}"), h))).isFalse();
    assertThat(PrefillLogprobs.wanted(RequestFacts.scan(Endpoint.GENERATE, Buffer.buffer("{\"text\":\"a\"}"), h))).isFalse();
    assertThat(PrefillLogprobs.wanted(RequestFacts.scan(Endpoint.CHAT, Buffer.buffer("{\"messages\":[],\"logprobs\":true}"), h))).isFalse();
  }

  @Test
  void jsonPrefillGoesInFrontOfJsonDecode() throws Exception {
    Buffer merged = PrefillLogprobs.from(Buffer.buffer(PREFILL)).mergeBody(Buffer.buffer(DECODE));
    JsonNode out = json(merged);
    assertThat(out.at("/meta_info/input_token_logprobs").toString()).isEqualTo("[[null,1,null],[-0.5,2,null],[-0.25,3,null]]");
    assertThat(out.get("text").asText()).isEqualTo("d");
    assertThat(out.at("/meta_info/id").asText()).isEqualTo("x");
  }

  @Test
  void batchesMergeElementByElement() throws Exception {
    String prefill = "[{\"meta_info\":{\"input_token_logprobs\":[[null,1,null]]}},{\"meta_info\":{\"input_token_logprobs\":[[null,2,null]]}}]";
    String decode = "[{\"meta_info\":{\"input_token_logprobs\":[[-1,10,null]]}},{\"meta_info\":{\"input_token_logprobs\":[[-2,20,null]]}}]";
    JsonNode out = json(PrefillLogprobs.from(Buffer.buffer(prefill)).mergeBody(Buffer.buffer(decode)));
    assertThat(out.at("/0/meta_info/input_token_logprobs").toString()).isEqualTo("[[null,1,null],[-1,10,null]]");
    assertThat(out.at("/1/meta_info/input_token_logprobs").toString()).isEqualTo("[[null,2,null],[-2,20,null]]");
  }

  @Test
  void streamedPrefillWorksTooKeyedBySequenceIndex() throws Exception {
    String prefill = "data: {\"index\":0,\"meta_info\":{\"input_token_logprobs\":[[null,1,null]]}}\n\n"
        + "data: {\"index\":1,\"meta_info\":{\"input_token_logprobs\":[[null,2,null]]}}\n\n"
        + "data: {\"index\":1,\"meta_info\":{\"input_token_logprobs\":[]}}\n\n"
        + "data: [DONE]\n\n";
    PrefillLogprobs p = PrefillLogprobs.from(Buffer.buffer(prefill));
    Buffer event = Buffer.buffer("data: {\"index\":1,\"text\":\"x\",\"meta_info\":{\"input_token_logprobs\":[[-2,20,null]]}}\n\n");
    Buffer merged = p.mergeEvent(event);
    String s = merged.toString();
    assertThat(s).startsWith("data: ").endsWith("\n\n");
    assertThat(json(Buffer.buffer(s.substring(6))).at("/meta_info/input_token_logprobs").toString()).isEqualTo("[[null,2,null],[-2,20,null]]");
  }

  @Test
  void eventsWithoutLogprobsAndDoneAreTheSameBytes() {
    PrefillLogprobs p = PrefillLogprobs.from(Buffer.buffer(PREFILL));
    Buffer noLogprobs = Buffer.buffer("data: {\"text\":\"x\",  \"meta_info\":{}}\n\n");
    Buffer done = Buffer.buffer("data: [DONE]\n\n");
    assertThat(p.mergeEvent(noLogprobs)).isSameAs(noLogprobs);
    assertThat(p.mergeEvent(done)).isSameAs(done);
  }

  @Test
  void unparsableBodiesPassThrough() {
    Buffer decode = Buffer.buffer("not json");
    assertThat(PrefillLogprobs.from(Buffer.buffer(PREFILL)).mergeBody(decode)).isSameAs(decode);
    assertThat(PrefillLogprobs.from(Buffer.buffer("garbage")).isEmpty()).isTrue();
  }
}
