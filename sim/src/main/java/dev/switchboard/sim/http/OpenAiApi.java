package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.cache.SimChatFormat;
import dev.switchboard.sim.cache.SimTokens;
import java.util.List;

/** OpenAI-compatible chat completions, completions and responses. */
final class OpenAiApi {

  private final SimConfig config;

  OpenAiApi(SimConfig config) {
    this.config = config;
  }

  void chat(Exchange exchange, JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new BadRequest("'messages' must be a non-empty list");
    }
    int[] prompt = exchange.runtime().prompts().chat(body);
    run(exchange, body, List.of(prompt), true);
  }

  void completions(Exchange exchange, JsonNode body) {
    Requests.Prompts prompts = Requests.textOrIds(body.get("prompt"), "prompt", exchange.runtime().prompts());
    run(exchange, body, prompts.prompts(), false);
  }

  void responses(Exchange exchange, JsonNode body) {
    if (Requests.flag(body, "stream")) {
      throw new BadRequest("the simulator answers /v1/responses without streaming only");
    }
    ArrayNode messages = Json.array();
    JsonNode instructions = Requests.field(body, "instructions");
    if (instructions != null) {
      messages.addObject().put("role", "system").put("content", instructions.asText());
    }
    JsonNode input = Requests.field(body, "input");
    if (input == null) {
      throw new BadRequest("'input' is required");
    }
    if (input.isTextual()) {
      messages.addObject().put("role", "user").put("content", input.asText());
    } else if (input.isArray()) {
      for (JsonNode item : input) {
        ObjectNode message = messages.addObject();
        message.put("role", item.path("role").asText("user"));
        message.set("content", item.get("content"));
      }
    } else {
      throw new BadRequest("'input' must be a string or a list of messages");
    }
    int[] prompt = SimTokens.tokenize(SimChatFormat.render(messages));
    TextSequence.SamplingOptions options = RoleOutput.limit(config, Requests.sampling(
        Requests.field(body, "max_output_tokens"), null, null, false, config));
    String model = modelOf(body);
    String id = "resp_" + exchange.runtime().nextId();
    long created = System.currentTimeMillis() / 1000;
    SequenceBatch.start(exchange, List.of(prompt), 1, options, false, config.role() != SimRole.DECODE,
        new SequenceBatch.Output() {
          @Override
          public void delta(TextSequence sequence, String delta, boolean last) {
          }

          @Override
          public void allDone(List<TextSequence> sequences) {
            TextSequence sequence = sequences.get(0);
            ObjectNode response = Json.object();
            response.put("id", id);
            response.put("object", "response");
            response.put("created_at", created);
            response.put("status", "completed");
            response.put("model", model);
            ObjectNode message = response.putArray("output").addObject();
            message.put("type", "message");
            message.put("id", "msg_" + id.substring(5));
            message.put("status", "completed");
            message.put("role", "assistant");
            ObjectNode text = message.putArray("content").addObject();
            text.put("type", "output_text");
            text.put("text", sequence.text());
            text.putArray("annotations");
            ObjectNode usage = response.putObject("usage");
            usage.put("input_tokens", sequence.promptTokens());
            usage.putObject("input_tokens_details").put("cached_tokens", sequence.cachedTokens());
            usage.put("output_tokens", sequence.completionTokens());
            usage.put("total_tokens", sequence.promptTokens() + sequence.completionTokens());
            exchange.json(200, Json.write(response));
          }
        });
  }

  private void run(Exchange exchange, JsonNode body, List<int[]> prompts, boolean chat) {
    JsonNode maxTokens = Requests.field(body, "max_completion_tokens");
    if (maxTokens == null) {
      maxTokens = Requests.field(body, "max_tokens");
    }
    TextSequence.SamplingOptions options = RoleOutput.limit(config, Requests.sampling(maxTokens,
        Requests.field(body, "stop"), Requests.field(body, "stop_token_ids"),
        body.path("no_stop_trim").asBoolean(false), config));
    int n = Requests.n(Requests.field(body, "n"));
    boolean stream = Requests.flag(body, "stream");
    boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    JsonNode logprobsField = Requests.field(body, "logprobs");
    boolean logprobs = chat ? logprobsField != null && logprobsField.asBoolean(false) : logprobsField != null;
    int top = Math.max(0, Math.min(20, chat ? body.path("top_logprobs").asInt(0)
        : logprobsField == null ? 0 : logprobsField.asInt(0)));
    String id = (chat ? "chatcmpl-" : "cmpl-") + exchange.runtime().nextId();
    String object = chat ? (stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";
    String model = modelOf(body);
    long created = System.currentTimeMillis() / 1000;
    exchange.abortableAs(id);
    JsonNode rid = body.get("rid");
    if (rid != null && rid.isTextual()) {
      exchange.abortableAs(rid.asText());
    }
    if (stream) {
      exchange.startStream();
    }
    SequenceBatch.start(exchange, prompts, n, options, stream, config.role() != SimRole.DECODE,
        new SequenceBatch.Output() {
          private final boolean[] started = new boolean[prompts.size() * n];

          @Override
          public void delta(TextSequence sequence, String delta, boolean last) {
            if (!stream) {
              return;
            }
            if (chat && !started[sequence.index]) {
              started[sequence.index] = true;
              ObjectNode role = Json.object().put("role", "assistant").put("content", "");
              exchange.event(Json.write(chunk(sequence.index, role, null, null, null)));
            }
            if (!delta.isEmpty()) {
              int position = sequence.completionTokens() - 1;
              exchange.event(Json.write(chunk(sequence.index, chat ? Json.object().put("content", delta) : null,
                  delta, null, logprobs ? logprobs(sequence, position, position + 1,
                      sequence.text().length() - delta.length()) : null)));
            }
          }

          @Override
          public void sequenceDone(TextSequence sequence) {
            if (stream) {
              ObjectNode finish = chunk(sequence.index, chat ? Json.object() : null, "",
                  FinishReasons.openAi(sequence), null);
              if (sequence.matchedStop() != null) {
                FinishReasons.putMatched((ObjectNode) finish.get("choices").get(0),
                    "matched_stop", sequence.matchedStop());
              }
              exchange.event(Json.write(finish));
            }
          }

          @Override
          public void allDone(List<TextSequence> sequences) {
            if (stream) {
              if (includeUsage) {
                ObjectNode usageChunk = header();
                usageChunk.putArray("choices");
                usageChunk.set("usage", usage(sequences, n));
                exchange.event(Json.write(usageChunk));
              }
              exchange.endStream();
              return;
            }
            ObjectNode response = header();
            ArrayNode choices = response.putArray("choices");
            for (TextSequence sequence : sequences) {
              ObjectNode choice = choices.addObject();
              choice.put("index", sequence.index);
              if (chat) {
                ObjectNode message = choice.putObject("message");
                message.put("role", "assistant");
                message.put("content", sequence.text());
              } else {
                choice.put("text", sequence.text());
              }
              if (logprobs) {
                choice.set("logprobs", logprobs(sequence, 0, sequence.completionTokens(), 0));
              } else {
                choice.putNull("logprobs");
              }
              choice.put("finish_reason", FinishReasons.openAi(sequence));
              if (sequence.matchedStop() != null) {
                FinishReasons.putMatched(choice, "matched_stop", sequence.matchedStop());
              }
            }
            response.set("usage", usage(sequences, n));
            exchange.json(200, Json.write(response));
          }

          private ObjectNode header() {
            ObjectNode node = Json.object();
            node.put("id", id);
            node.put("object", object);
            node.put("created", created);
            node.put("model", model);
            return node;
          }

          private ObjectNode logprobs(TextSequence sequence, int from, int to, int textOffset) {
            return chat
                ? Json.object().set("content", Logprobs.chatContent(sequence, from, to, top))
                : Logprobs.completion(sequence, from, to, top, textOffset);
          }

          private ObjectNode chunk(int index, ObjectNode delta, String text, String finishReason,
              ObjectNode logprobsNode) {
            ObjectNode node = header();
            ObjectNode choice = node.putArray("choices").addObject();
            choice.put("index", index);
            if (chat) {
              choice.set("delta", delta);
            } else {
              choice.put("text", text);
            }
            if (logprobsNode == null) {
              choice.putNull("logprobs");
            } else {
              choice.set("logprobs", logprobsNode);
            }
            if (finishReason == null) {
              choice.putNull("finish_reason");
            } else {
              choice.put("finish_reason", finishReason);
            }
            return node;
          }
        });
  }

  /** Prompt tokens count once per prompt (not per choice); cached tokens from each prompt's first choice. */
  static ObjectNode usage(List<TextSequence> sequences, int n) {
    int prompt = 0;
    int cached = 0;
    int completion = 0;
    for (TextSequence sequence : sequences) {
      if (sequence.index % n == 0) {
        prompt += sequence.promptTokens();
        cached += sequence.cachedTokens();
      }
      completion += sequence.completionTokens();
    }
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", cached);
    return usage;
  }

  private String modelOf(JsonNode body) {
    JsonNode model = body.get("model");
    return model != null && model.isTextual() ? model.asText() : config.model();
  }
}
