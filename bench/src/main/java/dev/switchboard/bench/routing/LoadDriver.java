package dev.switchboard.bench.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bench.routing.Workload.Script;
import dev.switchboard.bench.routing.Workload.Turn;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Drives a {@link Workload} against a gateway over real HTTP: streaming {@code /v1/completions}, at most
 * {@code concurrency} scripts at once, scripts starting at {@code rate} per second (Poisson) or all at once. Each
 * turn's prompt is the previous prompt, the streamed answer and the new text. Everything runs on one event loop.
 */
public final class LoadDriver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request's outcome; times in nanoseconds, -1 when it failed. */
  public record Result(long ttftNanos, long e2eNanos, boolean ok) {}

  /** A run's outcomes and its wall time. */
  public record Run(List<Result> results, long wallNanos) {}

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final HttpClientAgent client;
  private final String host;
  private final List<Integer> ports;
  private final String model;
  private int nextPort;

  public LoadDriver(String host, int port, String model, int concurrency) {
    this(host, List.of(port), model, concurrency);
  }

  /**
   * Requests go round the {@code ports} one by one (gateway replicas behind a Kubernetes Service, which spreads
   * connections: a conversation's turns need not meet the same replica).
   */
  public LoadDriver(String host, List<Integer> ports, String model, int concurrency) {
    this.host = host;
    this.ports = List.copyOf(ports);
    this.model = model;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(Math.max(1, concurrency)));
  }

  /** Runs the workload to the end and returns what happened. Blocks the calling (non-event-loop) thread. */
  public Run run(Workload workload, int concurrency, double rate, long seed) throws Exception {
    Promise<Run> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> new Session(workload, concurrency, rate, seed, done).start());
    return done.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  /** The state of one run; touched only on the driver's event loop. */
  private final class Session {
    private final Deque<Script> ready = new ArrayDeque<>();
    private final List<Result> results = new ArrayList<>();
    private final int concurrency;
    private final Promise<Run> done;
    private final int total;
    private final List<Script> scripts;
    private final double rate;
    private final Random random;
    private int started;
    private int active;
    private int finished;
    private long t0;

    Session(Workload workload, int concurrency, double rate, long seed, Promise<Run> done) {
      this.scripts = workload.scripts();
      this.total = scripts.size();
      this.concurrency = concurrency;
      this.rate = rate;
      this.random = new Random(seed);
      this.done = done;
    }

    void start() {
      t0 = System.nanoTime();
      if (total == 0) {
        done.complete(new Run(results, 0));
        return;
      }
      if (Double.isInfinite(rate) || rate <= 0) {
        ready.addAll(scripts);
        pump();
      } else {
        double at = 0;
        for (Script s : scripts) {
          at += -Math.log(1 - random.nextDouble()) / rate;
          long delayMs = Math.max(1, (long) (at * 1000));
          vertx.setTimer(delayMs, id -> {
            ready.add(s);
            pump();
          });
        }
      }
    }

    private void pump() {
      while (active < concurrency && !ready.isEmpty()) {
        Script s = ready.poll();
        active++;
        started++;
        turn(s, 0, "");
      }
    }

    private void turn(Script script, int index, String history) {
      Turn turn = script.turns().get(index);
      String prompt = history.isEmpty() ? turn.text() : history + " " + turn.text();
      send(script.key(), prompt, turn.maxTokens(), (result, answer) -> {
        results.add(result);
        if (result.ok() && index + 1 < script.turns().size()) {
          turn(script, index + 1, prompt + " " + answer);
        } else {
          active--;
          finished++;
          if (finished == total) {
            done.complete(new Run(results, System.nanoTime() - t0));
          } else {
            pump();
          }
        }
      });
    }
  }

  private interface Completion {
    void accept(Result result, String answer);
  }

  private void send(String key, String prompt, int maxTokens, Completion completion) {
    ObjectNode body = JSON.createObjectNode()
        .put("model", model)
        .put("prompt", prompt)
        .put("max_tokens", maxTokens)
        .put("temperature", 0)
        .put("ignore_eos", true)
        .put("stream", true);
    int port = ports.get(nextPort++ % ports.size());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI("/v1/completions").putHeader("content-type", "application/json");
    if (key != null) options.putHeader("x-session-id", key);
    long start = System.nanoTime();
    Buffer payload = Buffer.buffer(body.toString());
    client.request(options)
        .compose(req -> req.send(payload))
        .onSuccess(response -> read(response, start, completion))
        .onFailure(err -> completion.accept(new Result(-1, -1, false), ""));
  }

  private void read(HttpClientResponse response, long start, Completion completion) {
    if (response.statusCode() != 200) {
      response.body().onComplete(b -> completion.accept(new Result(-1, -1, false), ""));
      return;
    }
    boolean[] completed = {false};
    Completion once = (result, text) -> {
      if (!completed[0]) {
        completed[0] = true;
        completion.accept(result, text);
      }
    };
    StringBuilder pending = new StringBuilder();
    StringBuilder answer = new StringBuilder();
    long[] firstToken = {-1};
    response.handler(chunk -> {
      pending.append(chunk.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String event = pending.substring(0, end);
        pending.delete(0, end + 2);
        for (String line : event.split("\n")) {
          if (!line.startsWith("data:")) continue;
          String data = line.substring(5).strip();
          if (data.equals("[DONE]")) continue;
          String text = deltaText(data);
          if (!text.isEmpty()) {
            if (firstToken[0] < 0) firstToken[0] = System.nanoTime();
            answer.append(text);
          }
        }
      }
    });
    response.endHandler(v -> {
      long now = System.nanoTime();
      boolean ok = firstToken[0] >= 0;
      once.accept(new Result(ok ? firstToken[0] - start : -1, now - start, ok), answer.toString());
    });
    response.exceptionHandler(err -> once.accept(new Result(-1, -1, false), ""));
  }

  private static String deltaText(String data) {
    try {
      JsonNode node = JSON.readTree(data);
      JsonNode text = node.path("choices").path(0).path("text");
      return text.isTextual() ? text.textValue() : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    client.close();
    vertx.close();
  }
}
