package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Set;

/**
 * What the gateway refuses before routing, whatever router would take the request: integers a worker would read
 * as 32-bit that are out of range, {@code n} above {@link #MAX_N}, batches (prompts, texts, embedding inputs,
 * rerank documents) above {@link #MAX_BATCH}, and JSON nested deeper than {@link #MAX_NESTING}. Checked during
 * {@link RequestFacts}' one streaming scan; every refusal is a 400 naming the field.
 */
public final class RequestLimits {
  /** OpenAI's own limit on {@code n}; PD and gRPC routers size per-choice state by it. */
  public static final int MAX_N = 128;
  /** Prompts per completion or generate request, inputs per embedding request (OpenAI's 2,048), rerank documents. */
  public static final int MAX_BATCH = 2048;
  /** JSON depth: tool schemas nest a few dozen levels; a thousand is an attack on a recursive parser. */
  public static final int MAX_NESTING = 128;

  /** The parser limits of every ObjectMapper that reads client JSON. */
  public static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_NESTING).build();

  /** Integer fields (top level or in {@code sampling_params}) that workers parse as 32-bit. */
  private static final Set<String> INT_FIELDS = Set.of("max_tokens", "max_completion_tokens", "max_new_tokens",
      "min_tokens", "min_new_tokens", "max_output_tokens", "top_logprobs", "logprobs", "top_k", "best_of",
      "priority", "top_n", "dimensions", "logprob_start_len", "n");
  /** Array fields whose length is a batch size. */
  private static final Set<String> BATCH_FIELDS = Set.of("prompt", "input", "text", "input_ids", "documents");

  private RequestLimits() {}

  /**
   * Checks field {@code name} whose first token {@code v} the parser is on; returns true when it consumed the
   * value (the caller then moves on to the next field), false when the caller should read or skip it itself.
   */
  static boolean check(JsonParser p, String name, JsonToken v) throws IOException {
    if (name.equals("sampling_params") && v == JsonToken.START_OBJECT) {
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String inner = p.currentName();
        JsonToken iv = p.nextToken();
        if (INT_FIELDS.contains(inner)) int32(p, iv, "sampling_params." + inner);
        else p.skipChildren();
      }
      return true;
    }
    if (INT_FIELDS.contains(name) && !name.equals("n")) {
      int32(p, v, name);
      return true;
    }
    if (BATCH_FIELDS.contains(name) && v == JsonToken.START_ARRAY) {
      int items = 0;
      boolean nested = false;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) return true; // truncated: the scan reports it
        if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) nested = true;
        items++;
        if (items > MAX_BATCH && (nested || t == JsonToken.VALUE_STRING)) throw batchTooLarge(name);
        p.skipChildren();
      }
      return true;
    }
    return false;
  }

  /** An integer that fits 32 bits (or null); a float must be integral and in range too. */
  private static void int32(JsonParser p, JsonToken v, String field) throws IOException {
    switch (v) {
      case VALUE_NULL -> { }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() != JsonParser.NumberType.INT) throw outOfRange(field, p.getText());
      }
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (!(Math.abs(d) <= Integer.MAX_VALUE)) throw outOfRange(field, p.getText());
      }
      default -> p.skipChildren(); // a wrong type is the worker's to judge, as before
    }
  }

  private static BadRequestException outOfRange(String field, String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return new BadRequestException(OpenAiError.badRequest("'" + field + "' is out of range: " + shown
        + " (at most " + Integer.MAX_VALUE + ")", field));
  }

  static BadRequestException batchTooLarge(String field) {
    return new BadRequestException(OpenAiError.badRequest("'" + field + "' holds more than " + MAX_BATCH
        + " items; the gateway's limit per request is " + MAX_BATCH, field));
  }

  /** {@code n} above the cap. */
  static BadRequestException tooManyChoices(int n) {
    return new BadRequestException(OpenAiError.badRequest("'n' is " + n + "; the gateway's limit is " + MAX_N, "n"));
  }
}
