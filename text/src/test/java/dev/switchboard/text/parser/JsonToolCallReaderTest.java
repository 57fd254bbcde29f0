package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonToolCallReaderTest {

  private static JsonToolCallReader.Status feed(JsonToolCallReader reader, String text) {
    JsonToolCallReader.Status status = JsonToolCallReader.Status.MORE;
    for (int i = 0; i < text.length() && status == JsonToolCallReader.Status.MORE; i++) {
      status = reader.accept(text.charAt(i));
    }
    return status;
  }

  @Test
  void readsNameAndCompactArgumentsSkippingOtherKeys() {
    JsonToolCallReader reader = new JsonToolCallReader();

    assertThat(feed(reader, "{ \"id\": {\"x\": [1, \"}\"]}, \"name\" : \"f\\u0041\", \"parameters\" : { \"a\" : [ 1 , 2 ] }, \"z\": -1 }"))
        .isEqualTo(JsonToolCallReader.Status.CALL);
    assertThat(reader.name()).isEqualTo("fA");
    assertThat(reader.arguments()).hasToString("{\"a\":[1,2]}");
  }

  @Test
  void theNameIsKnownAsSoonAsItsStringCloses() {
    JsonToolCallReader reader = new JsonToolCallReader();

    assertThat(feed(reader, "{\"name\": \"get_")).isEqualTo(JsonToolCallReader.Status.MORE);
    assertThat(reader.name()).isNull();
    feed(reader, "weather\"");
    assertThat(reader.name()).isEqualTo("get_weather");
  }

  @Test
  void onlyTheFirstArgumentsKeyCounts() {
    JsonToolCallReader reader = new JsonToolCallReader();

    assertThat(feed(reader, "{\"name\": \"f\", \"arguments\": {\"a\": 1}, \"parameters\": {\"b\": 2}}"))
        .isEqualTo(JsonToolCallReader.Status.CALL);
    assertThat(reader.arguments()).hasToString("{\"a\":1}");
  }

  @Test
  void rawControlCharactersInStringsAreEscapedInTheCopy() {
    JsonToolCallReader reader = new JsonToolCallReader();

    feed(reader, "{\"name\": \"f\", \"arguments\": {\"s\": \"a\tb\nc\u0002\"}}");
    assertThat(reader.arguments()).hasToString("{\"s\":\"a\\tb\\nc\\u0002\"}");
  }

  @Test
  void reportsObjectsWithoutNameAndMalformedInput() {
    assertThat(feed(new JsonToolCallReader(), "{\"arguments\": {}}")).isEqualTo(JsonToolCallReader.Status.NO_NAME);
    assertThat(feed(new JsonToolCallReader(), "{\"name\": 3}")).isEqualTo(JsonToolCallReader.Status.NO_NAME);
    assertThat(feed(new JsonToolCallReader(), "{}")).isEqualTo(JsonToolCallReader.Status.NO_NAME);
    assertThat(feed(new JsonToolCallReader(), "{name: \"f\"}")).isEqualTo(JsonToolCallReader.Status.INVALID);
    assertThat(feed(new JsonToolCallReader(), "[1]")).isEqualTo(JsonToolCallReader.Status.INVALID);
    assertThat(feed(new JsonToolCallReader(), "{\"name\": \"f\" \"x\"")).isEqualTo(JsonToolCallReader.Status.INVALID);
  }
}
