package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.cache.SimTokens;
import java.util.ArrayList;
import java.util.List;

/** SGLang's native {@code POST /generate}. */
final class NativeApi {

  private final SimConfig config;

  NativeApi(SimConfig config) {
    this.config = config;
  }

  void generate(Exchange exchange, JsonNode body) {
    Requests.Prompts prompts = prompts(body, exchange.runtime().prompts());
    JsonNode params = body.path("sampling_params");
    TextSequence.SamplingOptions options = RoleOutput.limit(config, Requests.sampling(
        Requests.field(params, "max_new_tokens"), Requests.field(params, "stop"),
        Requests.field(params, "stop_token_ids"), params.path("no_stop_trim").asBoolean(false), config));
    int n = Requests.n(Requests.field(params, "n"));
    boolean stream = Requests.flag(body, "stream");
    boolean logprobs = Requests.flag(body, "return_logprob");
    boolean list = prompts.batch() || n > 1;
    List<String> ids = requestIds(body.get("rid"), prompts.prompts().size() * n, exchange);
    ids.forEach(exchange::abortableAs);
    if (stream) {
      exchange.startStream();
    }
    SequenceBatch.start(exchange, prompts.prompts(), n, options, stream, config.role() != SimRole.DECODE,
        new SequenceBatch.Output() {
          private final boolean[] lastSent = new boolean[prompts.prompts().size() * n];

          @Override
          public void delta(TextSequence sequence, String delta, boolean last) {
            if (stream) {
              lastSent[sequence.index] |= last;
              exchange.event(Json.write(result(sequence, ids, logprobs, list, last)));
            }
          }

          @Override
          public void sequenceDone(TextSequence sequence) {
            if (stream && !lastSent[sequence.index]) {
              exchange.event(Json.write(result(sequence, ids, logprobs, list, true)));
            }
          }

          @Override
          public void allDone(List<TextSequence> sequences) {
            if (stream) {
              exchange.endStream();
            } else if (list) {
              ArrayNode results = Json.array();
              for (TextSequence sequence : sequences) {
                results.add(result(sequence, ids, logprobs, false, true));
              }
              exchange.json(200, Json.write(results));
            } else {
              exchange.json(200, Json.write(result(sequences.get(0), ids, logprobs, false, true)));
            }
          }
        });
  }

  private static Requests.Prompts prompts(JsonNode body, dev.switchboard.sim.kv.PromptEncoder encoder) {
    JsonNode text = Requests.field(body, "text");
    JsonNode inputIds = Requests.field(body, "input_ids");
    if ((text == null) == (inputIds == null)) {
      throw new BadRequest("Exactly one of text or input_ids must be provided");
    }
    if (text != null) {
      if (text.isTextual()) {
        return new Requests.Prompts(List.of(encoder.text(text.asText())), false);
      }
      if (text.isArray() && !text.isEmpty()) {
        List<int[]> prompts = new ArrayList<>(text.size());
        for (JsonNode item : text) {
          if (!item.isTextual()) {
            throw new BadRequest("text must be a string or a list of strings");
          }
          prompts.add(encoder.text(item.asText()));
        }
        return new Requests.Prompts(prompts, true);
      }
      throw new BadRequest("text must be a string or a non-empty list of strings");
    }
    if (!inputIds.isArray() || inputIds.isEmpty()) {
      throw new BadRequest("input_ids must be a non-empty list");
    }
    if (inputIds.get(0).isArray()) {
      List<int[]> prompts = new ArrayList<>(inputIds.size());
      for (JsonNode item : inputIds) {
        if (!item.isArray()) {
          throw new BadRequest("input_ids must be a list of ints or a list of lists of ints");
        }
        prompts.add(Requests.ids(item, "input_ids"));
      }
      return new Requests.Prompts(prompts, true);
    }
    return new Requests.Prompts(List.of(Requests.ids(inputIds, "input_ids")), false);
  }

  private static List<String> requestIds(JsonNode rid, int count, Exchange exchange) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (rid != null && rid.isTextual() && count == 1) {
        ids.add(rid.asText());
      } else if (rid != null && rid.isArray() && i < rid.size()) {
        ids.add(rid.get(i).asText());
      } else {
        ids.add(exchange.runtime().nextId());
      }
    }
    return ids;
  }

  private ObjectNode result(TextSequence sequence, List<String> ids, boolean logprobs, boolean indexed,
      boolean last) {
    boolean decode = config.role() == SimRole.DECODE;
    ObjectNode result = Json.object();
    result.put("text", sequence.text());
    ArrayNode outputIds = result.putArray("output_ids");
    for (int id : sequence.outputIds()) {
      outputIds.add(id);
    }
    if (indexed) {
      result.put("index", sequence.index);
    }
    ObjectNode meta = result.putObject("meta_info");
    meta.put("id", ids.get(sequence.index));
    if (last && sequence.finish() != null) {
      meta.set("finish_reason", FinishReasons.nativeJson(sequence));
    } else {
      meta.putNull("finish_reason");
    }
    meta.put("prompt_tokens", sequence.promptTokens());
    meta.put("completion_tokens", sequence.completionTokens());
    meta.put("cached_tokens", sequence.cachedTokens());
    meta.put("weight_version", "default");
    if (logprobs) {
      meta.set("input_token_logprobs", decode ? Logprobs.inputTail(sequence.prompt) : Logprobs.input(sequence.prompt));
      meta.set("output_token_logprobs", Logprobs.output(sequence.outputIds(), sequence.promptTokens()));
    }
    return result;
  }
}
