package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Finish reasons in SGLang's native and OpenAI's shapes. */
final class FinishReasons {

  private FinishReasons() {
  }

  static ObjectNode nativeJson(TextSequence sequence) {
    ObjectNode reason = Json.object();
    switch (sequence.finish()) {
      case LENGTH -> {
        reason.put("type", "length");
        reason.put("length", sequence.completionTokens());
      }
      case STOP -> {
        reason.put("type", "stop");
        putMatched(reason, "matched", sequence.matchedStop());
      }
      case ABORT -> {
        reason.put("type", "abort");
        reason.put("message", "request aborted");
      }
    }
    return reason;
  }

  static String openAi(TextSequence sequence) {
    return switch (sequence.finish()) {
      case LENGTH -> "length";
      case STOP -> "stop";
      case ABORT -> "abort";
    };
  }

  static void putMatched(ObjectNode node, String field, Object matched) {
    if (matched instanceof Integer id) {
      node.put(field, id);
    } else if (matched instanceof String text) {
      node.put(field, text);
    } else {
      node.putNull(field);
    }
  }
}
