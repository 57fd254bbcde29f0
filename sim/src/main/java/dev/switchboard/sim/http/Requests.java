package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.cache.SimTokens;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reading the request fields the simulator honours; violations throw {@link BadRequest}. */
final class Requests {

  private Requests() {
  }

  static TextSequence.SamplingOptions sampling(JsonNode maxTokens, JsonNode stop, JsonNode stopTokenIds,
      boolean noStopTrim, SimConfig config) {
    int max = config.defaultMaxTokens();
    if (maxTokens != null && !maxTokens.isNull()) {
      if (!maxTokens.canConvertToInt() || maxTokens.asInt() < 0) {
        throw new BadRequest("max tokens must be a non-negative integer");
      }
      max = Math.min(maxTokens.asInt(), config.maxContextLength());
    }
    return new TextSequence.SamplingOptions(max, stops(stop), tokenIds(stopTokenIds), noStopTrim);
  }

  static int n(JsonNode n) {
    if (n == null || n.isNull()) {
      return 1;
    }
    if (!n.canConvertToInt() || n.asInt() < 1 || n.asInt() > 128) {
      throw new BadRequest("n must be an integer in [1, 128]");
    }
    return n.asInt();
  }

  static List<String> stops(JsonNode stop) {
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    if (stop.isTextual()) {
      return List.of(stop.asText());
    }
    if (stop.isArray()) {
      List<String> stops = new ArrayList<>(stop.size());
      for (JsonNode item : stop) {
        if (!item.isTextual()) {
          throw new BadRequest("stop must be a string or a list of strings");
        }
        stops.add(item.asText());
      }
      return stops;
    }
    throw new BadRequest("stop must be a string or a list of strings");
  }

  static Set<Integer> tokenIds(JsonNode ids) {
    if (ids == null || ids.isNull()) {
      return Set.of();
    }
    if (!ids.isArray()) {
      throw new BadRequest("stop_token_ids must be a list of integers");
    }
    Set<Integer> set = new HashSet<>();
    for (JsonNode id : ids) {
      if (!id.canConvertToInt()) {
        throw new BadRequest("stop_token_ids must be a list of integers");
      }
      set.add(id.asInt());
    }
    return set;
  }

  static int[] ids(JsonNode array, String field) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.canConvertToInt()) {
        throw new BadRequest(field + " must contain integers");
      }
      ids[i] = id.asInt();
    }
    return ids;
  }

  /** A prompt given as text or token ids; {@code batch} when the request holds a list of prompts. */
  record Prompts(List<int[]> prompts, boolean batch) {
  }

  /** OpenAI {@code prompt}/{@code input}: string, list of strings, list of ids, or list of lists of ids. */
  static Prompts textOrIds(JsonNode node, String field) {
    return textOrIds(node, field, dev.switchboard.sim.kv.PromptEncoder.forTokenizer(null));
  }

  /** As {@link #textOrIds(JsonNode, String)}, text tokenized by {@code encoder}. */
  static Prompts textOrIds(JsonNode node, String field, dev.switchboard.sim.kv.PromptEncoder encoder) {
    if (node == null || node.isNull()) {
      throw new BadRequest("'" + field + "' is required");
    }
    if (node.isTextual()) {
      return new Prompts(List.of(encoder.text(node.asText())), false);
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new BadRequest("'" + field + "' must be a string or a non-empty list");
    }
    JsonNode first = node.get(0);
    if (first.isNumber()) {
      return new Prompts(List.of(ids(node, field)), false);
    }
    List<int[]> prompts = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (item.isTextual()) {
        prompts.add(encoder.text(item.asText()));
      } else if (item.isArray()) {
        prompts.add(ids(item, field));
      } else {
        throw new BadRequest("'" + field + "' items must be strings or lists of token ids");
      }
    }
    return new Prompts(prompts, true);
  }

  static boolean flag(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.asBoolean(false);
  }

  static JsonNode field(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }
}
