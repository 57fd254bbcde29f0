package dev.switchboard.text.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.text.BundledTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-for-byte comparison with Jinja2 renderings made by {@code templates/generate_golden.py}. */
class ChatTemplateGoldenTest {
  /** The instant generate_golden.py uses for strftime_now (2026-01-15 10:30:00). */
  static final Clock FIXED_CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);
  private static final Map<String, ChatTemplate> COMPILED = new HashMap<>();

  static String resource(String path) throws IOException {
    try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream("/templates/" + path)) {
      if (in == null) {
        throw new IOException("missing test resource templates/" + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static synchronized ChatTemplate template(String name) throws Exception {
    ChatTemplate t = COMPILED.get(name);
    if (t == null) {
      t = ChatTemplate.compile(resource("source/" + name + ".jinja"), FIXED_CLOCK);
      COMPILED.put(name, t);
    }
    return t;
  }

  static Stream<Arguments> cases() throws IOException {
    JsonNode root = new ObjectMapper().readTree(resource("cases.json"));
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      out.add(Arguments.argumentSet(c.get("name").asText(), c));
    }
    return out.stream();
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest
  @MethodSource("cases")
  void rendersExactlyLikeJinja2(JsonNode c) throws Exception {
    ChatTemplate template = template(c.get("template").asText());
    Map<String, Object> vars = (Map<String, Object>) TemplateValues.fromJson(c.get("vars"));
    if (c.has("raised")) {
      assertThatThrownBy(() -> template.render(vars))
          .isInstanceOfSatisfying(TemplateException.class, e -> {
            assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
            assertThat(e.detail()).isEqualTo(c.get("raised").asText());
            assertThat(e.line()).isPositive();
          });
    } else {
      assertThat(template.render(vars)).isEqualTo(resource(c.get("expected").asText()));
    }
  }

  @Test
  void qwen3FixtureIsTheTemplateShippedWithTheTokenizer() throws Exception {
    JsonNode config = new ObjectMapper().readTree(Files.readString(BundledTokenizers.qwen3Dir().resolve("tokenizer_config.json")));
    assertThat(resource("source/qwen3.jinja")).isEqualTo(config.get("chat_template").asText());
  }

  @Test
  void thereAreEnoughGoldenCases() throws IOException {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
  }
}
