package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TextCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new TextCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = TextCommandTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path requestFile(Path dir, String json) throws IOException {
    Path file = dir.resolve("request.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void rendersThePromptOfARequest(@TempDir Path dir) throws IOException {
    Path request = requestFile(dir, resource("/chat/qwen3_tool_request.json"));
    int exit = run("render", "--tokenizer", BundledTokenizers.qwen3Dir().toString(), "--request", request.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(resource("/templates/golden/qwen3_tool_calls_and_results.txt"));
  }

  @Test
  void printsTokenIdsWithIds(@TempDir Path dir) throws IOException {
    Path request = requestFile(dir, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello, world!\"}]}");
    int exit = run("render", "--tokenizer", BundledTokenizers.qwen3Dir().toString(), "--request", request.toString(), "--ids");
    assertThat(exit).as(err.toString()).isZero();
    // <|im_start|>user\nHello, world!<|im_end|>\n<|im_start|>assistant\n
    int[] expected = {151644, 872, 198, 9707, 11, 1879, 0, 151645, 198, 151644, 77091, 198};
    String expectedLine = Arrays.stream(expected).mapToObj(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    assertThat(out.toString().strip()).isEqualTo(expectedLine);
  }

  @Test
  void usesAnOverrideTemplate(@TempDir Path dir) throws IOException {
    Path request = requestFile(dir, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    Path template = dir.resolve("t.jinja");
    Files.writeString(template, "{% for m in messages %}{{ m.role }}: {{ m.content }}{% endfor %}{{ eos_token }}");
    int exit = run("render", "--tokenizer", BundledTokenizers.qwen3Dir().toString(), "--request", request.toString(),
        "--chat-template", template.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("user: hi<|im_end|>");
  }

  @Test
  void invalidRequestsExitWithTwoAndExplain(@TempDir Path dir) throws IOException {
    Path request = requestFile(dir, "{\"messages\": []}");
    int exit = run("render", "--tokenizer", BundledTokenizers.qwen3Dir().toString(), "--request", request.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("invalid request").contains("messages");
    assertThat(out.toString()).isEmpty();
  }
}
