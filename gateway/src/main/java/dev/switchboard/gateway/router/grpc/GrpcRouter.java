package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.BadRequestException;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.pipeline.Pipeline;
import dev.switchboard.gateway.router.pipeline.TargetPicker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routers three and four: SGLang workers in {@code --grpc-mode}, regular ({@code grpc-regular}) or prefill/decode
 * pairs ({@code grpc-pd}). The gateway owns the text: it renders the chat template and tokenizes (on a worker thread
 * for big bodies), lets the policy pick on the rendered prompt, streams Generate ({@link GenerateTransport}; a pair
 * gets DisaggregatedParams), and turns token ids back into OpenAI (or SGLang native) responses. The regular router
 * also serves {@code /v1/embeddings} over the Embed RPC.
 */
public final class GrpcRouter implements InferenceRouter {
  private static final Logger log = LoggerFactory.getLogger(GrpcRouter.class);
  /**
   * Bodies up to this size are templated and tokenized on the event loop; larger ones on a worker thread. Measured
   * (Qwen3, one core): a 72-character chat renders and encodes in ~60 µs CPU, a 5.2 KB one in ~2.6 ms.
   */
  static final int INLINE_PREPARE_BYTES = 1024;

  private final RouterId id;
  private final Vertx vertx;
  private final Pipeline pipeline;
  private final TargetPicker picker;
  private final GrpcWorkerClient client;
  private final TokenizerRegistry tokenizers;

  public GrpcRouter(RouterId id, Vertx vertx, Pipeline pipeline, GrpcWorkerClient client, TokenizerRegistry tokenizers) {
    if (id.connection() != dev.switchboard.gateway.worker.ConnectionMode.GRPC) throw new IllegalArgumentException(id + " is not a gRPC router");
    this.id = id;
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.picker = pipeline.picker(id);
    this.client = client;
    this.tokenizers = tokenizers;
  }

  @Override
  public RouterId id() {
    return id;
  }

  @Override
  public boolean canServe(String model) {
    return picker.canServe(model);
  }

  @Override
  public void route(Exchange exchange, String model) {
    Context context = vertx.getOrCreateContext();
    tokenizers.get(model).whenComplete((text, err) -> context.runOnContext(v -> {
      if (exchange.finished()) return;
      if (err != null) {
        exchange.fail(err instanceof TokenizerRegistry.Unavailable u ? u.error() : OpenAiError.internal(err.getMessage()));
        return;
      }
      if (exchange.body().length() <= INLINE_PREPARE_BYTES) {
        Prepared prepared;
        try {
          prepared = prepare(exchange, model, text);
        } catch (BadRequestException bad) {
          exchange.fail(bad.error());
          return;
        } catch (RuntimeException ex) {
          log.warn("cannot prepare {}: {}", exchange.requestId(), ex.toString());
          exchange.fail(OpenAiError.internal("cannot prepare the request: " + ex.getMessage()));
          return;
        }
        run(exchange, model, text, context, prepared);
      } else {
        vertx.executeBlocking(() -> prepare(exchange, model, text), false).onComplete(r -> {
          if (exchange.finished()) return;
          if (r.failed()) {
            exchange.fail(r.cause() instanceof BadRequestException bad ? bad.error()
                : OpenAiError.internal("cannot prepare the request: " + r.cause().getMessage()));
          } else {
            run(exchange, model, text, context, r.result());
          }
        });
      }
    }));
  }

  /** What preparing a request produced: a Generate plan, or the token ids of embedding inputs. */
  private sealed interface Prepared {}

  private record Generation(Plan plan) implements Prepared {}

  private record Embeddings(List<int[]> inputs) implements Prepared {}

  private static Prepared prepare(Exchange exchange, String model, ModelText text) {
    ObjectNode body = exchange.facts().json();
    return switch (exchange.endpoint()) {
      case CHAT -> new Generation(RequestPlanner.chat(body, model, text));
      case COMPLETIONS -> new Generation(RequestPlanner.completion(body, model, text));
      case GENERATE -> new Generation(RequestPlanner.generate(body, model, text));
      case EMBEDDINGS -> new Embeddings(EmbedTransport.inputs(body.get("input"), text));
      default -> throw new IllegalStateException(exchange.endpoint() + " is not a gRPC endpoint"); // RouterManager filters
    };
  }

  private void run(Exchange exchange, String model, ModelText text, Context context, Prepared prepared) {
    switch (prepared) {
      case Generation g -> {
        exchange.facts().routingText(g.plan().routingText());
        OutputWriter writer = OutputWriter.create(exchange, g.plan(), text, exchange.requestId());
        pipeline.run(exchange, model, id, picker, new GenerateTransport(context, g.plan(), writer, client));
      }
      case Embeddings e -> pipeline.run(exchange, model, id, picker, new EmbedTransport(context, client, model, e.inputs()));
    }
  }
}
