package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonLiteralTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "'it\\'s'|\"it's\"",
      "\"tab\\there\"|\"tab\\there\"",
      "'\\x41\\u00e9'|\"Aé\"",
      "'unknown \\q escape'|\"unknown \\\\q escape\"",
      "(1, 2.5, -3)|[1,2.5,-3]",
      "{'a': [True, False, None], 2: 'x'}|{\"a\":[true,false,null],\"2\":\"x\"}",
      "[ ]|[]",
      "1_000|1000",
      "1e3|1000.0"})
  void convertsPythonLiteralsToJson(String python, String json) throws Exception {
    PythonLiteral.Parsed parsed = PythonLiteral.parse(python + ")", 0);

    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(parsed.value())).isEqualTo(json);
    assertThat(parsed.end()).isEqualTo(python.length());
  }

  @Test
  void textCutInsideALiteralIsIncompleteNotInvalid() {
    for (String cut : new String[] {"'abc", "[1, 2", "{'a': ", "12", "Tru", "'\\", "(1,"}) {
      assertThatThrownBy(() -> PythonLiteral.parse(cut, 0)).as(cut).isInstanceOf(PythonLiteral.Incomplete.class);
    }
  }

  @Test
  void wrongTextIsInvalid() {
    for (String wrong : new String[] {"foo)", "[1 2]", "{'a' 1}", "-)", "'\\xZZ'"}) {
      assertThatThrownBy(() -> PythonLiteral.parse(wrong, 0)).as(wrong).isInstanceOf(PythonLiteral.Invalid.class);
    }
  }
}
