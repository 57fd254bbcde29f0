package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.get;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fault switches reliability tests use: each does what it says, and /health tells the truth or lies as asked. */
class SimFaultSwitchesTest {
  private static final String STREAM = "{\"text\":\"f\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":16}}";
  private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":4}";
  private final List<SimWorker> workers = new ArrayList<>();

  private SimWorker start() {
    SimWorker worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    workers.add(worker);
    return worker;
  }

  @AfterEach
  void stop() {
    workers.forEach(SimWorker::close);
  }

  @Test
  void stallAfterEventsStopsTheStreamWhileHealthStays200() {
    SimWorker worker = start();
    worker.controls().stallAfterEvents(2);
    try (TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/generate", STREAM)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.nextEvent()).contains("\"text\"");
      assertThat(stream.nextEvent()).contains("\"text\"");
      await().untilAsserted(() -> assertThat(worker.stats().faultsInjected()).isEqualTo(1));
      assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(200);
      assertThat(worker.stats().inFlight()).isEqualTo(1); // open, silent, never finished
      assertThat(worker.stats().completed()).isZero();
    }
    await().untilAsserted(() -> assertThat(worker.stats().inFlight()).isZero());
  }

  @Test
  void dieInsideEventLeavesHalfAnEventThenCloses() {
    SimWorker worker = start();
    worker.controls().dieInsideEvent(1);
    try (TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/generate", STREAM)) {
      assertThat(stream.nextEvent()).startsWith("{").endsWith("}");
      String half = stream.nextEvent();
      assertThat(half).startsWith("{").doesNotEndWith("}");
      assertThat(stream.nextEvent()).isNull();
    }
    assertThat(worker.stats().completed()).isZero();
  }

  @Test
  void hangAfterHeadersSendsTheHeadButNoByteOfBody() throws Exception {
    SimWorker worker = start();
    worker.controls().hangAfterHeaders(true);
    try (Socket socket = TestHttp.RawStream.sendOnly(worker.port(), "/v1/chat/completions", CHAT)) {
      socket.setSoTimeout(500);
      InputStream in = socket.getInputStream();
      StringBuilder got = new StringBuilder();
      try {
        int b;
        while ((b = in.read()) >= 0) got.append((char) b);
      } catch (SocketTimeoutException expected) {
        // the worker went silent, as asked
      }
      String text = got.toString();
      assertThat(text).startsWith("HTTP/1.1 200").contains("\r\n\r\n");
      assertThat(text.substring(text.indexOf("\r\n\r\n") + 4)).as("body bytes").isEmpty();
    }
  }

  @Test
  void injectedErrorsCarryRetryAfterWhenAsked() {
    SimWorker worker = start();
    worker.controls().retryAfter(Duration.ofSeconds(3)).failNext(1, 429);
    HttpResponse<String> busy = post(worker.url() + "/v1/chat/completions", CHAT);
    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.headers().firstValue("retry-after")).contains("3");
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
  }

  @Test
  void flappingAlternatesHealthAndClosesInferenceWhileDown() {
    SimWorker worker = start();
    worker.controls().flap(Duration.ofMillis(200), Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(5)).until(() -> get(worker.url() + "/health").statusCode() == 503);
    await().atMost(Duration.ofSeconds(5)).until(() -> get(worker.url() + "/health").statusCode() == 200);
    worker.controls().flap(null, null);
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void flappedDownWorkerClosesInferenceConnectionsUnanswered() throws Exception {
    SimWorker worker = start();
    worker.controls().flap(Duration.ofNanos(1), Duration.ofDays(1)); // down at once, for a day
    try (Socket socket = TestHttp.RawStream.sendOnly(worker.port(), "/v1/chat/completions", CHAT)) {
      socket.setSoTimeout(5_000);
      byte[] got = socket.getInputStream().readAllBytes();
      assertThat(new String(got, StandardCharsets.US_ASCII)).isEmpty();
    }
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(503);
    worker.controls().reset();
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
  }
}
