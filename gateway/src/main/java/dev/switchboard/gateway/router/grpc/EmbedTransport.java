package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.router.pipeline.Attempt;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.router.pipeline.Outcome;
import dev.switchboard.gateway.router.pipeline.Transport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.EmbedRequest;
import dev.switchboard.protocol.scheduler.EmbedResponse;
import dev.switchboard.protocol.scheduler.SamplingParams;
import dev.switchboard.protocol.scheduler.TokenizedInput;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/embeddings} over the Embed RPC: each input (a string, or an array of token ids) is tokenized and sent
 * as its own EmbedRequest to one worker picked by the policy; the answers are returned in OpenAI's list shape.
 */
final class EmbedTransport implements Transport {
  private static final int MAX_INPUTS = 2048;

  private final Context context;
  private final GrpcWorkerClient client;
  private final String model;
  private final List<int[]> inputs;

  EmbedTransport(Context context, GrpcWorkerClient client, String model, List<int[]> inputs) {
    this.context = context;
    this.client = client;
    this.model = model;
    this.inputs = inputs;
  }

  /** The token ids of each input (a string, token ids, or an array of either); 400 for anything else. */
  static List<int[]> inputs(JsonNode input, ModelText text) {
    if (input == null || input.isNull()) throw Fields.bad("'input' is required", "input");
    List<int[]> out = new ArrayList<>();
    if (input.isTextual()) {
      out.add(text.tokenizer().encode(input.textValue()));
    } else if (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber()) {
      ObjectNode holder = JsonNodeFactory.instance.objectNode();
      holder.set("input", input);
      out.add(Fields.tokenIds(holder, "input"));
    } else if (input.isArray() && !input.isEmpty()) {
      if (input.size() > MAX_INPUTS) throw Fields.bad("'input' has more than " + MAX_INPUTS + " items", "input");
      for (JsonNode item : input) {
        if (item.isTextual()) {
          out.add(text.tokenizer().encode(item.textValue()));
        } else if (item.isArray()) {
          ObjectNode holder = JsonNodeFactory.instance.objectNode();
          holder.set("input", item);
          out.add(Fields.tokenIds(holder, "input"));
        } else {
          throw Fields.bad("'input' items must be strings or arrays of token ids", "input");
        }
      }
    } else {
      throw Fields.bad("'input' must be a string, an array of strings, or token ids", "input");
    }
    for (int[] ids : out) if (ids.length == 0) throw Fields.bad("'input' must not contain empty strings", "input");
    return out;
  }

  @Override
  public void dispatch(Attempt attempt) {
    Worker worker = attempt.target().answering();
    Exchange exchange = attempt.exchange();
    List<CompletableFuture<EmbedResponse>> calls = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      TokenizedInput.Builder t = TokenizedInput.newBuilder();
      for (int id : inputs.get(i)) t.addInputIds(id);
      EmbedRequest request = EmbedRequest.newBuilder()
          .setRequestId(exchange.workerRequestId() + "-" + i)
          .setTokenized(t)
          .setSamplingParams(SamplingParams.newBuilder().setTemperature(1.0f).setTopP(1.0f).setTopK(-1).setRepetitionPenalty(1.0f).setN(1).setMaxNewTokens(0))
          .build();
      calls.add(client.embed(worker, request, attempt.timeouts().firstByte()).toCompletableFuture());
    }
    attempt.onCancel(() -> calls.forEach(c -> c.cancel(false)));
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((ok, err) -> context.runOnContext(v -> {
      if (attempt.ended()) return;
      if (err != null) {
        Throwable cause = err.getCause() != null ? err.getCause() : err;
        attempt.end(new Outcome.FailedBeforeBytes(GenerateErrors.ofFailure(worker, cause, "")));
        return;
      }
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("object", "list");
      ArrayNode data = body.putArray("data");
      int promptTokens = 0;
      for (int i = 0; i < calls.size(); i++) {
        EmbedResponse r = calls.get(i).join();
        if (r.hasError()) {
          int status = parseStatus(r.getError().getCode());
          attempt.end(new Outcome.FailedBeforeBytes(Failure.of(worker, Cause.STATUS, new OpenAiError(status,
              "worker " + worker.url() + ": " + r.getError().getMessage(), status == 400 ? "invalid_request_error" : "internal_error", null, null))));
          return;
        }
        ObjectNode item = data.addObject();
        item.put("object", "embedding");
        item.put("index", i);
        ArrayNode values = item.putArray("embedding");
        for (float f : r.getComplete().getEmbeddingList()) values.add(f);
        promptTokens += r.getComplete().getPromptTokens() > 0 ? r.getComplete().getPromptTokens() : inputs.get(i).length;
      }
      body.put("model", model);
      body.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
      attempt.firstByte();
      exchange.observer().usage(promptTokens, 0);
      exchange.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(Buffer.buffer(OutputWriter.bytes(body)));
      attempt.end(new Outcome.Completed(200));
    }));
  }

  private static int parseStatus(String code) {
    try {
      int s = Integer.parseInt(code.trim());
      return s >= 400 && s <= 599 ? s : 500;
    } catch (NumberFormatException e) {
      return 500;
    }
  }
}
