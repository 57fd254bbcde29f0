package dev.switchboard.text.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random templates rendered by Jinja2 (fixed seeds): a few thousand expressions over the operators, filters,
 * tests and methods ({@code generate_differential.py}) and 800 whitespace-control nestings
 * ({@code generate_whitespace.py}). The interpreter must print exactly what Jinja2 printed, and fail wherever
 * Jinja2 failed.
 */
class ChatTemplateDifferentialTest {
  @ParameterizedTest
  @ValueSource(strings = {"differential.json", "whitespace.json"})
  void randomTemplatesBehaveLikeJinja2(String corpus) throws Exception {
    JsonNode root = new ObjectMapper().readTree(ChatTemplateGoldenTest.resource(corpus));
    @SuppressWarnings("unchecked")
    Map<String, Object> vars = (Map<String, Object>) TemplateValues.fromJson(root.get("vars"));
    List<String> mismatches = new ArrayList<>();
    int count = 0;
    for (JsonNode c : root.get("cases")) {
      count++;
      String source = c.get("t").asText();
      String actual;
      boolean failed = false;
      try {
        actual = ChatTemplate.compile(source).render(vars);
      } catch (TemplateException e) {
        actual = e.getMessage();
        failed = true;
      }
      boolean ok = c.has("o") ? !failed && actual.equals(c.get("o").asText()) : failed;
      if (!ok) {
        mismatches.add(source + "\n    jinja2: " + (c.has("o") ? c.get("o").asText() : c.get("err").asText())
            + "\n    java:   " + actual);
      }
    }
    assertThat(count).isGreaterThanOrEqualTo(800);
    assertThat(mismatches).as("%d of %d cases differ", mismatches.size(), count).isEmpty();
  }
}
