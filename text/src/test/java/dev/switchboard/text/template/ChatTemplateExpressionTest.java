package dev.switchboard.text.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operator, filter, test, method and statement form, one template per line of {@code expressions.txt},
 * checked against Jinja2's output (or Jinja2's failure) recorded by {@code generate_expressions.py}.
 */
class ChatTemplateExpressionTest {
  private static JsonNode root;

  static synchronized JsonNode root() throws IOException {
    if (root == null) {
      root = new ObjectMapper().readTree(ChatTemplateGoldenTest.resource("expressions.json"));
    }
    return root;
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    int line = 0;
    for (JsonNode c : root().get("cases")) {
      String template = c.get("template").asText();
      String label = ++line + ": " + (template.length() > 60 ? template.substring(0, 60) + "…" : template);
      out.add(Arguments.argumentSet(label, c));
    }
    return out.stream();
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest
  @MethodSource("cases")
  void behavesLikeJinja2(JsonNode c) throws Exception {
    Map<String, Object> vars = (Map<String, Object>) TemplateValues.fromJson(root().get("vars"));
    String source = c.get("template").asText();
    if (c.has("output")) {
      assertThat(ChatTemplate.compile(source).render(vars)).isEqualTo(c.get("output").asText());
      return;
    }
    String pythonError = c.get("error").asText();
    String pythonType = pythonError.substring(0, pythonError.indexOf(':'));
    assertThatThrownBy(() -> ChatTemplate.compile(source).render(vars))
        .isInstanceOfSatisfying(TemplateException.class, e -> {
          if (pythonType.equals("TemplateSyntaxError")) {
            assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
          } else {
            assertThat(e.kind()).isEqualTo(TemplateException.Kind.RUNTIME);
            assertThat(e.detail()).as("Jinja2 said: %s", pythonError).startsWith(pythonType + ":");
          }
          assertThat(e.line()).isEqualTo(1);
        });
  }
}
