package dev.switchboard.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UsageScannerTest {
  private static Usage scan(String... chunks) {
    UsageScanner s = new UsageScanner();
    for (String c : chunks) s.feed(Buffer.buffer(c));
    return s.usage();
  }

  @Test
  void findsTheUsageOfAJsonBody() {
    assertThat(scan("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],",
        "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,\"prompt_tokens_details\":{\"cached_tokens\":3}}}"))
        .isEqualTo(new Usage(12, 5));
  }

  @Test
  void takesTheLastSseEventWithAUsageObjectAndSkipsNulls() {
    assertThat(scan("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"comp", "letion_tokens\":9,\"total_tokens\":16}}\n\n",
        "data: [DONE]\n\n")).isEqualTo(new Usage(7, 9));
  }

  @Test
  void readsResponsesApiNamesAndSglangMetaInfo() {
    assertThat(scan("{\"output\":[],\"usage\":{\"input_tokens\":4,\"output_tokens\":6,\"total_tokens\":10}}")).isEqualTo(new Usage(4, 6));
    assertThat(scan("{\"text\":\"x\",\"meta_info\":{\"id\":\"a\",\"prompt_tokens\":3,\"completion_tokens\":2,\"cached_tokens\":0}}"))
        .isEqualTo(new Usage(3, 2));
    assertThat(scan("{\"data\":[],\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}")).isEqualTo(new Usage(8, 0));
  }

  @Test
  void aBodyWithoutUsageHasNone() {
    assertThat(scan("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n", "data: [DONE]\n\n")).isNull();
    assertThat(scan("not json at all")).isNull();
    assertThat(new UsageScanner().usage()).isNull();
  }

  @Test
  void onlyTheTailIsKeptSoAHugeBodyStillEndsWithItsUsage() {
    String filler = "x".repeat(UsageScanner.TAIL_BYTES * 3 + 17);
    String head = "{\"usage\":{\"prompt_tokens\":999,\"completion_tokens\":999},\"text\":\"" + filler;
    assertThat(scan(head, filler, "\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}")).isEqualTo(new Usage(1, 2));
    // a usage that slid out of the tail is not guessed at
    assertThat(scan(head, filler + "\"}")).isNull();
  }
}
