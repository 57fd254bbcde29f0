package dev.switchboard.sim.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimTokensTest {

  @Test
  void oneTokenPerWhitespaceSeparatedWord() {
    assertThat(SimTokens.tokenize("  hello\tworld \n again ")).hasSize(3);
    assertThat(SimTokens.count("  hello\tworld \n again ")).isEqualTo(3);
    assertThat(SimTokens.tokenize("")).isEmpty();
    assertThat(SimTokens.tokenize("a b a")[0]).isEqualTo(SimTokens.tokenize("a b a")[2]);
    assertThat(SimTokens.tokenize("hello")[0]).isEqualTo(SimTokens.idOf("hello")).isNotNegative();
  }

  @Test
  void wordsBuildsTextsOfExactTokenCountsDeterministically() {
    for (int count : new int[] {0, 1, 17, 2048}) {
      assertThat(SimTokens.count(SimTokens.words(5, count))).isEqualTo(count);
    }
    assertThat(SimTokens.words(5, 64)).isEqualTo(SimTokens.words(5, 64));
    assertThat(SimTokens.tokenize(SimTokens.words(5, 64))[0])
        .isNotEqualTo(SimTokens.tokenize(SimTokens.words(6, 64))[0]);
  }

  @Test
  void chatFormatCountsMatchTheRenderedPrompt() throws Exception {
    var messages = new ObjectMapper().readTree(
        "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi you\"}]}]");
    String rendered = SimChatFormat.render(messages);
    assertThat(SimTokens.count(rendered)).isEqualTo(SimChatFormat.tokenCount("system", "be brief", "user", "hi you"));
    assertThat(rendered).endsWith(SimChatFormat.GENERATION_PROMPT);
  }
}
