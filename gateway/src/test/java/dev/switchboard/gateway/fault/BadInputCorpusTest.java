package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.testing.Fleet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of more than a thousand malformed requests, on real sockets: every one gets a 4xx with an
 * OpenAI-shaped JSON error, none reaches the worker, and the gateway serves a good request afterwards.
 */
class BadInputCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOOD = "{\"model\":\"m\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
  private static final String[] PATHS = {"/v1/chat/completions", "/v1/completions", "/generate", "/v1/embeddings", "/v1/rerank"};

  /** One malformed request: path, content type (null = none), body, extra headers. */
  private record Bad(String what, String path, String contentType, byte[] body, String... headers) {
    static Bad json(String what, String path, String body) {
      return new Bad(what, path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<Bad> corpus() {
    List<Bad> out = new ArrayList<>();
    Random random = new Random(42);
    // Every truncation of a good body (not valid JSON any more).
    for (int i = 0; i < GOOD.length() - 1; i++) {
      for (String p : PATHS) out.add(Bad.json("truncated at " + i, p, GOOD.substring(0, i)));
    }
    // Garbage bytes.
    for (int i = 0; i < 400; i++) {
      byte[] b = new byte[1 + random.nextInt(200)];
      random.nextBytes(b);
      b[0] = (byte) "x]}!#@\u0001".charAt(i % 7); // never a valid JSON start
      out.add(new Bad("garbage " + i, PATHS[i % PATHS.length], "application/json", b));
    }
    // Not an object.
    for (String v : List.of("[]", "[1,2]", "\"text\"", "42", "true", "null", "3.5", "[{\"model\":\"m\"}]")) {
      for (String p : PATHS) out.add(Bad.json("top-level " + v, p, v));
    }
    // Wrong types of fields routing reads.
    for (String field : List.of("\"model\":1", "\"model\":[\"m\"]", "\"model\":{}", "\"stream\":\"yes\"", "\"stream\":1",
        "\"user\":5", "\"n\":\"2\"", "\"n\":0", "\"n\":-3", "\"n\":1.5", "\"priority\":\"high\"", "\"priority\":1.5")) {
      for (String p : PATHS) out.add(Bad.json(field, p, "{" + field + ",\"messages\":[]}"));
    }
    // Numbers out of range, at the top level and in sampling_params.
    for (String n : List.of("2147483648", "99999999999", "-2147483649", "1e20", "1e400", "123456789012345678901234567890")) {
      for (String field : List.of("max_tokens", "max_completion_tokens", "n", "top_logprobs", "priority", "logprobs", "top_k")) {
        out.add(Bad.json(field + "=" + n, PATHS[out.size() % PATHS.length], "{\"model\":\"m\",\"" + field + "\":" + n + ",\"messages\":[]}"));
      }
      out.add(Bad.json("sampling_params.max_new_tokens=" + n, "/generate", "{\"text\":\"a\",\"sampling_params\":{\"max_new_tokens\":" + n + "}}"));
    }
    // Too many choices.
    for (int n : new int[] {129, 1000, 100000, Integer.MAX_VALUE}) {
      for (String p : PATHS) out.add(Bad.json("n=" + n, p, "{\"model\":\"m\",\"n\":" + n + ",\"messages\":[]}"));
    }
    // Batches too large.
    String strings = "\"s\",".repeat(2049);
    strings = strings.substring(0, strings.length() - 1);
    out.add(Bad.json("2049 prompts", "/v1/completions", "{\"model\":\"m\",\"prompt\":[" + strings + "]}"));
    out.add(Bad.json("2049 inputs", "/v1/embeddings", "{\"model\":\"m\",\"input\":[" + strings + "]}"));
    out.add(Bad.json("2049 texts", "/generate", "{\"text\":[" + strings + "]}"));
    out.add(Bad.json("2049 documents", "/v1/rerank", "{\"model\":\"m\",\"query\":\"q\",\"documents\":[" + strings + "]}"));
    String idLists = "[1],".repeat(2049);
    out.add(Bad.json("2049 id lists", "/generate", "{\"input_ids\":[" + idLists.substring(0, idLists.length() - 1) + "]}"));
    // Nesting too deep.
    for (int depth : new int[] {129, 200, 1001, 5000, 100000}) {
      out.add(Bad.json("arrays nested " + depth, PATHS[depth % PATHS.length], "{\"model\":\"m\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}"));
      out.add(Bad.json("objects nested " + depth, PATHS[(depth + 1) % PATHS.length], "{\"model\":\"m\",\"x\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}"));
    }
    // Unknown model, empty body, data after the object, invalid UTF-8.
    for (String p : PATHS) {
      out.add(Bad.json("unknown model", p, "{\"model\":\"no-such-model\",\"messages\":[]}"));
      out.add(Bad.json("empty", p, ""));
      out.add(Bad.json("trailing data", p, GOOD + "{}"));
      out.add(Bad.json("two objects", p, GOOD + GOOD));
      out.add(new Bad("invalid utf-8", p, "application/json", new byte[] {'{', '"', 'm', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}));
    }
    // Wrong content types.
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "image/png")) {
      for (String p : PATHS) out.add(new Bad("content-type " + type, p, type, GOOD.getBytes(StandardCharsets.UTF_8)));
    }
    // Bad headers the gateway reads.
    for (String[] h : List.of(new String[] {"x-priority", "high"}, new String[] {"x-priority", "99999999999"},
        new String[] {"x-switchboard-connection", "carrier-pigeon"}, new String[] {"x-worker-priority", "lots"},
        new String[] {"x-max-cost", "cheap"})) {
      for (String p : PATHS) out.add(new Bad(h[0] + ": " + h[1], p, "application/json", GOOD.getBytes(StandardCharsets.UTF_8), h));
    }
    // Wrong paths.
    for (int i = 0; i < 20; i++) out.add(Bad.json("unknown path " + i, "/v1/nothing/" + i, GOOD));
    return out;
  }

  @Test
  void everyMalformedRequestGetsA4xxWithAnOpenAiJsonErrorAndTheGatewayStaysUp() throws Exception {
    List<Bad> corpus = corpus();
    assertThat(corpus.size()).isGreaterThanOrEqualTo(1000);
    try (Fleet f = Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())), g -> g.withMaxPayloadBytes(1 << 20), Map.of()).awaitReady()) {
      f.sim(0).clearReceived();
      Semaphore inFlight = new Semaphore(32);
      List<CompletableFuture<String>> verdicts = new ArrayList<>();
      for (Bad bad : corpus) {
        inFlight.acquire();
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(bad.path())).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bad.body()));
        if (bad.contentType() != null) b.header("content-type", bad.contentType());
        if (bad.headers().length > 0) b.headers(bad.headers());
        verdicts.add(f.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
            .handle((r, err) -> {
              inFlight.release();
              return err != null ? bad.what() + ": " + err : problem(bad.what(), r.statusCode(), r.body());
            }));
      }
      List<String> problems = verdicts.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
      assertThat(problems).isEmpty();
      assertThat(f.sim(0).received().stream().filter(r -> !r.method().equals("GET"))).as("nothing reached the worker").isEmpty();

      // The codec's own refusals: a request line too long (414), headers too large (431), not HTTP at all (400).
      assertThat(problem("uri too long", raw(f.gateway().port(), "POST /v1/chat/completions?" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))).isNull();
      assertThat(problem("headers too large", raw(f.gateway().port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-big: " + "b".repeat(9000) + "\r\n\r\n"))).isNull();
      assertThat(problem("not http", raw(f.gateway().port(), "HELLO THERE\r\n\r\n"))).isNull();

      assertThat(f.post("/v1/chat/completions", GOOD).statusCode()).isEqualTo(200);
      assertThat(f.get("/health").statusCode()).isEqualTo(200);
    }
  }

  /** Null when the answer is a 4xx with an OpenAI-shaped error, else what is wrong with it. */
  private static String problem(String what, int status, String body) {
    if (status < 400 || status > 499) return what + ": status " + status + " " + body;
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (!error.path("message").isTextual() || !error.has("type") || !error.has("param") || !error.has("code")) {
        return what + ": not an OpenAI error: " + body;
      }
    } catch (Exception e) {
      return what + ": status " + status + " with a body that is not JSON: '" + body + "'";
    }
    return null;
  }

  private static String problem(String what, String rawResponse) {
    int head = rawResponse.indexOf("\r\n\r\n");
    if (!rawResponse.startsWith("HTTP/1.") || head < 0) return what + ": no HTTP answer: " + rawResponse;
    int status = Integer.parseInt(rawResponse.substring(9, 12));
    return problem(what + " (" + rawResponse.substring(0, rawResponse.indexOf("\r\n")) + ")", status, rawResponse.substring(head + 4));
  }

  /** Sends raw bytes and reads the answer until the server closes the connection. */
  private static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      return got.toString(StandardCharsets.UTF_8);
    }
  }

}
