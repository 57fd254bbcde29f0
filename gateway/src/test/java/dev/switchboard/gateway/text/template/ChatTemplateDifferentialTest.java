package dev.switchboard.gateway.text.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few thousand random expressions ({@code generate_differential.py}, fixed seed) rendered by Jinja2: the
 * interpreter must print exactly what Jinja2 printed, and fail wherever Jinja2 failed.
 */
class ChatTemplateDifferentialTest {
  @Test
  void randomExpressionsBehaveLikeJinja2() throws Exception {
    JsonNode root = new ObjectMapper().readTree(ChatTemplateGoldenTest.resource("differential.json"));
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
    assertThat(count).isGreaterThan(2000);
    assertThat(mismatches).as("%d of %d cases differ", mismatches.size(), count).isEmpty();
  }
}
