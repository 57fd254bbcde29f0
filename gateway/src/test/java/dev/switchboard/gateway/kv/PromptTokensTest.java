package dev.switchboard.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.chat.ChatPrompt;
import org.junit.jupiter.api.Test;

class PromptTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void encodingPieceByPieceGivesTheTokenizersIdsAndReusesEarlierTurns() throws Exception {
    Tokenizer qwen = BundledTokenizers.qwen3();
    ChatPrompt chat = ChatPrompt.forConfig(qwen.config());
    SegmentEncoder encoder = new SegmentEncoder(qwen, 1_000_000);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", "You are a careful assistant. ".repeat(20) + "Answer briefly, héllo wörld 🙂.");
    for (int turn = 0; turn < 4; turn++) {
      messages.addObject().put("role", "user").put("content", "Question " + turn + ": what about " + "the river and the stone ".repeat(5 + turn) + "?");
      String prompt = chat.render(body);
      assertThat(encoder.encode(prompt)).as("turn " + turn).containsExactly(qwen.encode(prompt));
      messages.addObject().put("role", "assistant").put("content", "An answer to turn " + turn + " that is long enough to be cached as a piece.");
    }
    assertThat(encoder.hits()).isGreaterThanOrEqualTo(3 + 2 + 1); // the system prompt every turn after the first, earlier turns too
  }

  @Test
  void textWithoutSpecialTokensIsOnePiece() {
    Tokenizer qwen = BundledTokenizers.qwen3();
    SegmentEncoder encoder = new SegmentEncoder(qwen, 10);
    String text = "plain text with no markers at all, long enough to be cached: " + "words ".repeat(30);
    assertThat(encoder.encode(text)).containsExactly(qwen.encode(text));
    assertThat(encoder.encode(text)).containsExactly(qwen.encode(text)); // past the tiny cache bound it still answers
  }

  @Test
  void pastItsBudgetTheEncoderTokenizesInTheBackgroundAndAnswersNextTime() {
    Tokenizer qwen = BundledTokenizers.qwen3();
    SegmentEncoder encoder = new SegmentEncoder(qwen, 1_000_000);
    String text = "<|im_start|>system\n" + "a long system prompt ".repeat(100) + "<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n";
    java.util.List<Runnable> background = new java.util.ArrayList<>();
    assertThat(encoder.encode(text, 256, background::add)).isNull();
    assertThat(background).hasSize(1);
    background.getFirst().run();
    assertThat(encoder.encode(text, 256, background::add)).containsExactly(qwen.encode(text)); // the long piece is cached now
    assertThat(background).hasSize(1);
  }
}
