package dev.switchboard.gateway.router.grpc;

import static dev.switchboard.gateway.router.grpc.Fields.bad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.text.chat.ChatPromptException;
import dev.switchboard.text.detok.StopConfig;
import dev.switchboard.text.parser.ToolParsers;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.SamplingParams;
import dev.switchboard.protocol.scheduler.TokenizedInput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns client requests into {@link Plan}s: validation (400 on bad fields), chat template, tokenization, and the
 * sampling-parameter mapping of SGLang's OpenAI server with every semantic default set explicitly (proto3 zero values are
 * not SGLang's defaults). Pure CPU work; big prompts are handed here on a worker thread.
 */
final class RequestPlanner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_STOP_STRINGS = 64;
  private static final int MAX_N = 128;
  private static final int MAX_TOP_LOGPROBS = 20;

  private RequestPlanner() {}

  // ---------------------------------------------------------------- chat

  static Plan chat(ObjectNode body, String model, ModelText text) {
    if (text.prompts() == null) throw bad("model '" + model + "' has no chat template; use /generate or /v1/completions", "messages");
    JsonNode tools = body.get("tools");
    if (tools != null && !tools.isNull() && !tools.isArray()) throw bad("'tools' must be an array", "tools");
    boolean hasTools = tools != null && tools.isArray() && !tools.isEmpty();
    ToolChoice choice = ToolChoice.of(body.get("tool_choice"), hasTools);
    ArrayNode usedTools = hasTools ? choice.filter((ArrayNode) tools) : null;
    ObjectNode forTemplate = body;
    if (hasTools && choice.kind == ToolChoice.Kind.NONE) {
      forTemplate = body.deepCopy(); // tool_choice "none": the model is not told about the tools
      forTemplate.remove("tools");
    }
    String prompt;
    try {
      prompt = text.prompts().render(forTemplate);
    } catch (ChatPromptException e) {
      throw bad(e.getMessage(), "messages");
    }
    int[] ids = text.tokenizer().encode(prompt);

    ToolMode mode = ToolMode.NONE;
    String toolConstraint = null;
    if (hasTools) {
      switch (choice.kind) {
        case NONE -> mode = ToolMode.NONE;
        case AUTO -> mode = ToolParsers.resolve(text.toolParser(), model).<ToolMode>map(ToolMode.Parsed::new).orElse(ToolMode.NONE);
        case REQUIRED -> {
          mode = new ToolMode.Required();
          toolConstraint = requiredSchema(usedTools);
        }
        case NAMED -> {
          mode = new ToolMode.Named(choice.name);
          toolConstraint = usedTools.get(0).path("function").path("parameters").toString();
          if (usedTools.get(0).path("function").path("parameters").isMissingNode()) toolConstraint = "{\"type\":\"object\"}";
        }
      }
    }
    boolean toolsActive = hasTools && choice.kind != ToolChoice.Kind.NONE;

    SamplingParams.Builder sp = openAiSampling(body);
    boolean skipSpecial = Fields.bool(body, "skip_special_tokens", true) && !toolsActive;
    sp.setSkipSpecialTokens(skipSpecial);
    Constraint constraint = Constraint.of(body);
    if (toolConstraint != null && constraint != null) throw bad("Constrained decoding is not compatible with tool calls.", "tool_choice");
    if (toolConstraint != null) sp.setJsonSchema(toolConstraint);
    else if (constraint != null) constraint.apply(sp);

    boolean logprobs = Fields.bool(body, "logprobs", false);
    int top = Fields.intIn(body, "top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
    if (top > 0 && !logprobs) throw bad("'top_logprobs' requires 'logprobs' to be true", "top_logprobs");
    boolean stream = Fields.bool(body, "stream", false);
    GenerateRequest request = request(prompt, ids, sp, logprobs, top, stream, body);
    return new Plan(Endpoint.CHAT, model, request, prompt, sp.getN(), stream, includeUsage(body, stream),
        stopConfig(sp, text), logprobs, top, mode, Fields.bool(body, "separate_reasoning", true), false);
  }

  /** {@code tool_choice: required}: an array (at least one item) of {name, parameters} per allowed tool. */
  private static String requiredSchema(ArrayNode tools) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "array");
    schema.put("minItems", 1);
    ObjectNode items = schema.putObject("items");
    ArrayNode anyOf = items.putArray("anyOf");
    ObjectNode defs = JsonNodeFactory.instance.objectNode();
    for (JsonNode tool : tools) {
      JsonNode fn = tool.path("function");
      JsonNode params = fn.path("parameters").isMissingNode() ? JsonNodeFactory.instance.objectNode().put("type", "object") : fn.get("parameters").deepCopy();
      if (params.isObject() && params.has("$defs")) {
        for (Iterator<Map.Entry<String, JsonNode>> it = params.get("$defs").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> d = it.next();
          JsonNode existing = defs.get(d.getKey());
          if (existing != null && !existing.equals(d.getValue())) throw bad("Tool definitions have conflicting $defs: '" + d.getKey() + "'", "tools");
          defs.set(d.getKey(), d.getValue());
        }
        ((ObjectNode) params).remove("$defs");
      }
      ObjectNode option = anyOf.addObject();
      option.put("type", "object");
      ObjectNode props = option.putObject("properties");
      props.putObject("name").put("type", "string").putArray("enum").add(fn.path("name").asText());
      props.set("parameters", params);
      option.putArray("required").add("name").add("parameters");
    }
    if (!defs.isEmpty()) schema.set("$defs", defs);
    return schema.toString();
  }

  /** The {@code tool_choice} of a request with tools. */
  private static final class ToolChoice {
    enum Kind { NONE, AUTO, REQUIRED, NAMED }

    final Kind kind;
    final String name;
    final Set<String> allowed;

    private ToolChoice(Kind kind, String name, Set<String> allowed) {
      this.kind = kind;
      this.name = name;
      this.allowed = allowed;
    }

    static ToolChoice of(JsonNode v, boolean hasTools) {
      if (v == null || v.isNull()) return new ToolChoice(hasTools ? Kind.AUTO : Kind.NONE, null, null);
      if (v.isTextual()) {
        return switch (v.textValue()) {
          case "none" -> new ToolChoice(Kind.NONE, null, null);
          case "auto" -> new ToolChoice(Kind.AUTO, null, null);
          case "required" -> {
            if (!hasTools) throw bad("tool_choice 'required' needs at least one tool in 'tools'", "tool_choice");
            yield new ToolChoice(Kind.REQUIRED, null, null);
          }
          default -> throw bad("'tool_choice' must be none, auto, required or a function", "tool_choice");
        };
      }
      if (v.isObject()) {
        String type = v.path("type").asText();
        if ("function".equals(type) && v.path("function").path("name").isTextual()) {
          if (!hasTools) throw bad("tool_choice names a function but 'tools' is empty", "tool_choice");
          return new ToolChoice(Kind.NAMED, v.path("function").path("name").textValue(), null);
        }
        if ("allowed_tools".equals(type)) {
          JsonNode spec = v.has("allowed_tools") ? v.get("allowed_tools") : v;
          Set<String> names = new HashSet<>();
          for (JsonNode t : spec.path("tools")) names.add(t.path("function").path("name").asText(t.path("name").asText()));
          Kind k = "required".equals(spec.path("mode").asText()) ? Kind.REQUIRED : Kind.AUTO;
          return new ToolChoice(k, null, names);
        }
      }
      throw bad("'tool_choice' must be none, auto, required or a function", "tool_choice");
    }

    ArrayNode filter(ArrayNode tools) {
      for (JsonNode t : tools) {
        if (!t.path("function").path("name").isTextual()) throw bad("every tool needs function.name", "tools");
      }
      if (kind == Kind.NAMED) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode t : tools) if (name.equals(t.path("function").path("name").textValue())) out.add(t);
        if (out.isEmpty()) throw bad("tool_choice names function '" + name + "', which is not in 'tools'", "tool_choice");
        return out;
      }
      if (allowed != null) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode t : tools) if (allowed.contains(t.path("function").path("name").textValue())) out.add(t);
        if (out.isEmpty()) throw bad("tool_choice allows no tool of 'tools'", "tool_choice");
        return out;
      }
      return tools;
    }
  }

  // ---------------------------------------------------------------- completions

  static Plan completion(ObjectNode body, String model, ModelText text) {
    JsonNode p = body.get("prompt");
    String prompt;
    int[] ids;
    if (p != null && p.isTextual()) {
      prompt = p.textValue();
      ids = text.tokenizer().encode(prompt);
    } else if (p != null && p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
      prompt = p.get(0).textValue();
      ids = text.tokenizer().encode(prompt);
    } else if (p != null && p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
      ids = Fields.tokenIds(body, "prompt");
      prompt = text.tokenizer().decode(ids, false);
    } else {
      throw bad("'prompt' must be a string, a one-string array or an array of token ids", "prompt");
    }
    if (ids.length == 0) throw bad("'prompt' must not be empty", "prompt");
    SamplingParams.Builder sp = openAiSampling(body);
    sp.setSkipSpecialTokens(Fields.bool(body, "skip_special_tokens", true));
    Constraint c = Constraint.of(body);
    if (c != null) c.apply(sp);
    int logprobsN = Fields.intIn(body, "logprobs", -1, 0, 5);
    boolean stream = Fields.bool(body, "stream", false);
    GenerateRequest request = request(prompt, ids, sp, logprobsN >= 0, Math.max(0, logprobsN), stream, body);
    return new Plan(Endpoint.COMPLETIONS, model, request, prompt, sp.getN(), stream, includeUsage(body, stream),
        stopConfig(sp, text), logprobsN >= 0, Math.max(0, logprobsN), ToolMode.NONE, false, Fields.bool(body, "echo", false));
  }

  // ---------------------------------------------------------------- generate (SGLang native)

  static Plan generate(ObjectNode body, String model, ModelText text) {
    String prompt;
    int[] ids;
    if (Fields.present(body, "input_ids")) {
      ids = Fields.tokenIds(body, "input_ids");
      prompt = Fields.present(body, "text") ? Fields.string(body, "text") : text.tokenizer().decode(ids, false);
    } else if (Fields.present(body, "text")) {
      if (!body.get("text").isTextual()) throw bad("'text' must be a string (batches are not supported over gRPC)", "text");
      prompt = body.get("text").textValue();
      ids = text.tokenizer().encode(prompt);
    } else {
      throw bad("either 'text' or 'input_ids' is required", "text");
    }
    if (ids.length == 0) throw bad("the prompt must not be empty", "text");
    JsonNode s = body.path("sampling_params");
    if (!s.isMissingNode() && !s.isNull() && !s.isObject()) throw bad("'sampling_params' must be an object", "sampling_params");
    if (!s.isObject()) s = JsonNodeFactory.instance.objectNode();
    SamplingParams.Builder sp = SamplingParams.newBuilder()
        .setTemperature(Fields.floatIn(s, "temperature", 1.0f, 0, Float.MAX_VALUE))
        .setTopP(Fields.floatIn(s, "top_p", 1.0f, 0, 1))
        .setTopK(Fields.intIn(s, "top_k", -1, -1, Integer.MAX_VALUE))
        .setMinP(Fields.floatIn(s, "min_p", 0f, 0, 1))
        .setFrequencyPenalty(Fields.floatIn(s, "frequency_penalty", 0f, -2, 2))
        .setPresencePenalty(Fields.floatIn(s, "presence_penalty", 0f, -2, 2))
        .setRepetitionPenalty(Fields.floatIn(s, "repetition_penalty", 1.0f, 0, 2))
        .addAllStop(Fields.strings(s, "stop", MAX_STOP_STRINGS))
        .setSkipSpecialTokens(Fields.bool(s, "skip_special_tokens", true))
        .setSpacesBetweenSpecialTokens(Fields.bool(s, "spaces_between_special_tokens", true))
        .setN(Fields.intIn(s, "n", 1, 1, MAX_N))
        .setMinNewTokens(Fields.intIn(s, "min_new_tokens", 0, 0, Integer.MAX_VALUE))
        .setIgnoreEos(Fields.bool(s, "ignore_eos", false))
        .setNoStopTrim(Fields.bool(s, "no_stop_trim", false));
    if (Fields.present(s, "max_new_tokens")) sp.setMaxNewTokens(Fields.intIn(s, "max_new_tokens", 0, 0, Integer.MAX_VALUE));
    for (int id : Fields.tokenIds(s, "stop_token_ids")) sp.addStopTokenIds(id);
    Constraint c = Constraint.of(s);
    if (c != null) c.apply(sp);
    boolean returnLogprob = Fields.bool(body, "return_logprob", false);
    int top = Fields.intIn(body, "top_logprobs_num", 0, 0, MAX_TOP_LOGPROBS);
    boolean stream = Fields.bool(body, "stream", false);
    GenerateRequest.Builder r = GenerateRequest.newBuilder()
        .setTokenized(tokenized(prompt, ids))
        .setSamplingParams(sp)
        .setReturnLogprob(returnLogprob)
        .setLogprobStartLen(Fields.intIn(body, "logprob_start_len", -1, -1, Integer.MAX_VALUE))
        .setTopLogprobsNum(top)
        .setReturnHiddenStates(Fields.bool(body, "return_hidden_states", false))
        .setLogMetrics(Fields.bool(body, "log_metrics", true))
        .setStream(stream);
    for (int id : Fields.tokenIds(body, "token_ids_logprob")) r.addTokenIdsLogprob(id);
    return new Plan(Endpoint.GENERATE, model, r.build(), prompt, sp.getN(), stream, false, stopConfig(sp, text),
        returnLogprob, top, ToolMode.NONE, false, false);
  }

  // ---------------------------------------------------------------- shared

  /** OpenAI-named sampling fields (chat, completions) with SGLang's extensions, defaults set explicitly. */
  private static SamplingParams.Builder openAiSampling(JsonNode b) {
    SamplingParams.Builder sp = SamplingParams.newBuilder()
        .setTemperature(Fields.floatIn(b, "temperature", 1.0f, 0, 2))
        .setTopP(Fields.floatIn(b, "top_p", 1.0f, 0, 1))
        .setTopK(Fields.intIn(b, "top_k", -1, -1, Integer.MAX_VALUE))
        .setMinP(Fields.floatIn(b, "min_p", 0f, 0, 1))
        .setFrequencyPenalty(Fields.floatIn(b, "frequency_penalty", 0f, -2, 2))
        .setPresencePenalty(Fields.floatIn(b, "presence_penalty", 0f, -2, 2))
        .setRepetitionPenalty(Fields.floatIn(b, "repetition_penalty", 1.0f, 0, 2))
        .addAllStop(Fields.strings(b, "stop", MAX_STOP_STRINGS))
        .setSpacesBetweenSpecialTokens(Fields.bool(b, "spaces_between_special_tokens", true))
        .setN(Fields.intIn(b, "n", 1, 1, MAX_N))
        .setMinNewTokens(Fields.intIn(b, "min_tokens", 0, 0, Integer.MAX_VALUE))
        .setIgnoreEos(Fields.bool(b, "ignore_eos", false))
        .setNoStopTrim(Fields.bool(b, "no_stop_trim", false));
    Integer max = null;
    if (Fields.present(b, "max_completion_tokens")) max = Fields.intIn(b, "max_completion_tokens", 0, 0, Integer.MAX_VALUE);
    else if (Fields.present(b, "max_tokens")) max = Fields.intIn(b, "max_tokens", 0, 0, Integer.MAX_VALUE);
    if (max != null) sp.setMaxNewTokens(max);
    for (int id : Fields.tokenIds(b, "stop_token_ids")) sp.addStopTokenIds(id);
    JsonNode bias = b.get("logit_bias");
    if (bias != null && !bias.isNull()) {
      if (!bias.isObject()) throw bad("'logit_bias' must be an object of token id to bias", "logit_bias");
      for (Iterator<Map.Entry<String, JsonNode>> it = bias.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNumber()) throw bad("'logit_bias' values must be numbers", "logit_bias");
        sp.putLogitBias(e.getKey(), e.getValue().floatValue());
      }
    }
    return sp;
  }

  /** At most one of response_format, regex, ebnf, json_schema. */
  private record Constraint(String kind, String value) {
    static Constraint of(JsonNode b) {
      List<Constraint> found = new ArrayList<>(1);
      JsonNode rf = b.get("response_format");
      if (rf != null && !rf.isNull()) {
        String type = rf.path("type").asText();
        switch (type) {
          case "json_object" -> found.add(new Constraint("json_schema", "{\"type\":\"object\"}"));
          case "json_schema" -> {
            JsonNode schema = rf.path("json_schema").path("schema");
            if (!schema.isObject()) throw bad("response_format json_schema needs json_schema.schema (an object)", "response_format");
            found.add(new Constraint("json_schema", schema.toString()));
          }
          case "text" -> { }
          default -> throw bad("response_format.type must be text, json_object or json_schema", "response_format");
        }
      }
      if (Fields.present(b, "json_schema")) {
        JsonNode js = b.get("json_schema");
        found.add(new Constraint("json_schema", js.isTextual() ? js.textValue() : js.toString()));
      }
      String regex = Fields.string(b, "regex");
      if (regex != null) found.add(new Constraint("regex", regex));
      String ebnf = Fields.string(b, "ebnf");
      if (ebnf != null) found.add(new Constraint("ebnf", ebnf));
      if (found.size() > 1) throw bad("Multiple constraints are not allowed.", "response_format");
      return found.isEmpty() ? null : found.get(0);
    }

    void apply(SamplingParams.Builder sp) {
      switch (kind) {
        case "json_schema" -> sp.setJsonSchema(value);
        case "regex" -> sp.setRegex(value);
        default -> sp.setEbnfGrammar(value);
      }
    }
  }

  private static GenerateRequest request(String prompt, int[] ids, SamplingParams.Builder sp, boolean logprobs, int top,
      boolean stream, JsonNode body) {
    return GenerateRequest.newBuilder()
        .setTokenized(tokenized(prompt, ids))
        .setSamplingParams(sp)
        .setReturnLogprob(logprobs)
        .setLogprobStartLen(-1)
        .setTopLogprobsNum(top)
        .setReturnHiddenStates(Fields.bool(body, "return_hidden_states", false))
        .setStream(stream)
        .build();
  }

  private static TokenizedInput tokenized(String prompt, int[] ids) {
    TokenizedInput.Builder t = TokenizedInput.newBuilder().setOriginalText(prompt);
    for (int id : ids) t.addInputIds(id);
    return t.build();
  }

  private static boolean includeUsage(JsonNode body, boolean stream) {
    JsonNode so = body.get("stream_options");
    if (so == null || so.isNull()) return false;
    if (!so.isObject()) throw bad("'stream_options' must be an object", "stream_options");
    if (!stream) throw bad("'stream_options' is only allowed when 'stream' is true", "stream_options");
    return Fields.bool(so, "include_usage", false);
  }

  /** Stop strings and ids the gateway's decoder enforces: the request's plus the model's EOS ids unless ignore_eos. */
  private static StopConfig stopConfig(SamplingParams.Builder sp, ModelText text) {
    Set<Integer> ids = new HashSet<>(sp.getStopTokenIdsList());
    if (!sp.getIgnoreEos()) ids.addAll(text.eosTokenIds());
    return new StopConfig(sp.getStopList(), ids, sp.getSkipSpecialTokens(), sp.getNoStopTrim());
  }
}
