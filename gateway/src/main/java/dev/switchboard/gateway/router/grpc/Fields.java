package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.exchange.BadRequestException;
import dev.switchboard.gateway.exchange.OpenAiError;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of optional request fields; a present field of the wrong type or range is a 400. */
final class Fields {
  private Fields() {}

  static boolean present(JsonNode obj, String name) {
    JsonNode v = obj.get(name);
    return v != null && !v.isNull();
  }

  static float floatIn(JsonNode obj, String name, float dflt, double min, double max) {
    if (!present(obj, name)) return dflt;
    JsonNode v = obj.get(name);
    if (!v.isNumber()) throw bad("'" + name + "' must be a number", name);
    double d = v.doubleValue();
    if (d < min || d > max) throw bad("'" + name + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + v.asText(), name);
    return (float) d;
  }

  static int intIn(JsonNode obj, String name, int dflt, long min, long max) {
    if (!present(obj, name)) return dflt;
    JsonNode v = obj.get(name);
    if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
      throw bad("'" + name + "' must be an integer", name);
    }
    long l = v.longValue();
    if (l < min || l > max) throw bad("'" + name + "' must be between " + min + " and " + max + ", got " + v.asText(), name);
    return (int) l;
  }

  static boolean bool(JsonNode obj, String name, boolean dflt) {
    if (!present(obj, name)) return dflt;
    JsonNode v = obj.get(name);
    if (!v.isBoolean()) throw bad("'" + name + "' must be a boolean", name);
    return v.booleanValue();
  }

  static String string(JsonNode obj, String name) {
    if (!present(obj, name)) return null;
    JsonNode v = obj.get(name);
    if (!v.isTextual()) throw bad("'" + name + "' must be a string", name);
    return v.textValue();
  }

  /** A string or an array of strings (OpenAI {@code stop}); empty list when absent. */
  static List<String> strings(JsonNode obj, String name, int maxItems) {
    if (!present(obj, name)) return List.of();
    JsonNode v = obj.get(name);
    if (v.isTextual()) return List.of(v.textValue());
    if (!v.isArray()) throw bad("'" + name + "' must be a string or an array of strings", name);
    if (v.size() > maxItems) throw bad("'" + name + "' has more than " + maxItems + " items", name);
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode s : v) {
      if (!s.isTextual()) throw bad("'" + name + "' must be a string or an array of strings", name);
      out.add(s.textValue());
    }
    return out;
  }

  /** An array of non-negative token ids; empty when absent. */
  static int[] tokenIds(JsonNode obj, String name) {
    if (!present(obj, name)) return new int[0];
    JsonNode v = obj.get(name);
    if (!v.isArray()) throw bad("'" + name + "' must be an array of token ids", name);
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode id = v.get(i);
      if (!id.isIntegralNumber() || id.longValue() < 0 || id.longValue() > Integer.MAX_VALUE) {
        throw bad("'" + name + "' must be an array of non-negative token ids", name);
      }
      out[i] = id.intValue();
    }
    return out;
  }

  static BadRequestException bad(String message, String param) {
    return new BadRequestException(OpenAiError.badRequest(message, param));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
