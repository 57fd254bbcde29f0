package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRuntime;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Request dispatch of the HTTP simulator: records and counts every request, stamps {@code x-served-by}, checks
 * the api key, applies the fault switches to inference requests, and hands them to the endpoint classes.
 */
public final class SimHttpServer implements Handler<HttpServerRequest> {

  /**
   * Runs before an inference request generates (PD pairing). Fails with {@link BadRequest} for a 400, with any
   * other exception for a 500 whose message is answered.
   */
  public interface Admission {
    io.vertx.core.Future<Void> admit(String path, JsonNode body);
  }

  private final SimRuntime runtime;
  private final SimConfig config;
  private final InfoApi info;
  private final NativeApi nativeApi;
  private final OpenAiApi openAi;
  private final EmbeddingApi embeddings;
  private final Admission admission;
  private final String expectedAuthorization;

  public SimHttpServer(SimRuntime runtime, IntSupplier bootstrapPort, Admission admission) {
    this.runtime = runtime;
    this.config = runtime.config();
    this.info = new InfoApi(runtime, bootstrapPort);
    this.nativeApi = new NativeApi(config);
    this.openAi = new OpenAiApi(config);
    this.embeddings = new EmbeddingApi(config);
    this.admission = admission;
    this.expectedAuthorization = config.apiKey() == null ? null : "Bearer " + config.apiKey();
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.putHeader("x-served-by", runtime.workerId());
    runtime.stats().countRequest(request.path());
    request.body()
        .onSuccess(body -> {
          record(request, body);
          dispatch(request, body);
        })
        .onFailure(error -> response.setStatusCode(400).end());
  }

  private void record(HttpServerRequest request, Buffer body) {
    if (config.recordLimit() > 0) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      runtime.record(new RecordedRequest(request.method().name(), request.path(), request.query(), headers,
          body.getBytes()));
    }
  }

  private void dispatch(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    Route route = Route.of(request.path());
    if (route == null || (config.openAiOnly() && route.sglangOnly)) {
      plainError(response, 404, "Not Found: " + request.path());
      return;
    }
    if (!route.methods.contains(request.method())) {
      plainError(response, 405, "Method Not Allowed");
      return;
    }
    if (route.access != Route.Access.PUBLIC && expectedAuthorization != null
        && !expectedAuthorization.equals(request.getHeader("authorization"))) {
      plainError(response, 401, "Invalid or missing API key");
      return;
    }
    switch (route) {
      case HEALTH, HEALTH_GENERATE -> info.health(response);
      case SERVER_INFO -> info.serverInfo(response);
      case MODEL_INFO -> info.modelInfo(response);
      case MODELS -> info.models(response);
      case LOAD -> info.load(response);
      case METRICS -> info.metrics(response);
      case FLUSH_CACHE -> info.flushCache(response);
      case ABORT -> abort(response, body);
      default -> inference(route, request, body);
    }
  }

  /** SGLang's {@code /abort_request}: {@code {"rid": "..."}} or {@code {"abort_all": true}}. */
  private void abort(HttpServerResponse response, Buffer body) {
    JsonNode json = Json.parseOrNull(body.getBytes());
    if (json == null || !json.isObject()) {
      plainError(response, 400, "Request body must be a JSON object");
      return;
    }
    int aborted = json.path("abort_all").asBoolean(false)
        ? runtime.abortAll()
        : runtime.abort(json.path("rid").asText("")) ? 1 : 0;
    response.putHeader("content-type", "application/json").end("{\"aborted\":" + aborted + "}");
  }

  private void inference(Route route, HttpServerRequest request, Buffer body) {
    if (runtime.controls().isFlappedDown()) {
      runtime.stats().countFault();
      request.connection().close();
      return;
    }
    if (runtime.controls().isHang()) {
      new Exchange(runtime, request);
      return;
    }
    if (runtime.controls().isHangAfterHeaders()) {
      new Exchange(runtime, request);
      runtime.stats().countFault();
      JsonNode json = Json.parseOrNull(body.getBytes());
      boolean stream = json != null && json.path("stream").asBoolean(false);
      request.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", stream ? "text/event-stream" : "application/json")
          .write(Buffer.buffer()); // an empty chunk: the head goes out (and is flushed), no body byte does
      return;
    }
    int fault = runtime.controls().drawFault();
    if (fault > 0) {
      runtime.stats().countFault();
      Duration retryAfter = runtime.controls().retryAfter();
      if (retryAfter != null) request.response().putHeader("retry-after", Long.toString(retryAfter.toSeconds()));
      plainError(request.response(), fault, "injected fault " + fault + " from " + runtime.workerId());
      return;
    }
    Duration slowStart = runtime.controls().slowStart();
    if (slowStart.isZero()) {
      process(route, request, body);
    } else {
      runtime.vertx().setTimer(Math.max(1, slowStart.toMillis()), t -> process(route, request, body));
    }
  }

  private void process(Route route, HttpServerRequest request, Buffer body) {
    if (body.length() == 0) {
      plainError(request.response(), 400, "Request body is empty");
      return;
    }
    JsonNode json = Json.parseOrNull(body.getBytes());
    if (json == null) {
      plainError(request.response(), 400, "Malformed JSON body");
      return;
    }
    if (!json.isObject()) {
      plainError(request.response(), 400, "Request body must be a JSON object");
      return;
    }
    Exchange exchange = new Exchange(runtime, request);
    if (admission == null) {
      run(route, exchange, json);
      return;
    }
    admission.admit(route.path, json).onComplete(admitted -> {
      if (exchange.ended()) {
        return;
      }
      if (admitted.succeeded()) {
        run(route, exchange, json);
      } else if (admitted.cause() instanceof BadRequest bad) {
        failBeforeStart(exchange, json, 400, bad.getMessage());
      } else {
        failBeforeStart(exchange, json, 500, admitted.cause().getMessage());
      }
    });
  }

  private void run(Route route, Exchange exchange, JsonNode json) {
    try {
      switch (route) {
        case GENERATE -> nativeApi.generate(exchange, json);
        case CHAT -> openAi.chat(exchange, json);
        case COMPLETIONS -> openAi.completions(exchange, json);
        case RESPONSES -> openAi.responses(exchange, json);
        case EMBEDDINGS -> embeddings.embeddings(exchange, json);
        case RERANK, RERANK_SHORT -> embeddings.rerank(exchange, json);
        default -> exchange.error(404, "Not Found");
      }
    } catch (BadRequest bad) {
      exchange.error(400, bad.getMessage());
    }
  }

  /** An admission failure: a JSON error, or for a stream an SSE error event then {@code [DONE]}. */
  private static void failBeforeStart(Exchange exchange, JsonNode json, int status, String message) {
    if (json.path("stream").asBoolean(false)) {
      exchange.startStream();
      exchange.event(Json.error(status, message));
      exchange.endStreamAfterError();
    } else {
      exchange.error(status, message);
    }
  }

  private static void plainError(HttpServerResponse response, int status, String message) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(Json.error(status, message));
  }
}
