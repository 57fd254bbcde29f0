package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.FrontSettings;
import dev.switchboard.gateway.testing.Fleet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client side's protections on real sockets: slow clients are cut off, the rest are served. */
class FrontProtectionsTest {
  private static final String GOOD = Fleet.chat("m", "hi", false);

  private static Fleet fleet(FrontSettings front) {
    return Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())), g -> g.withFront(front), Map.of()).awaitReady();
  }

  /** Whether the server has closed the socket (read gives -1 or a reset) — waits up to the socket's timeout. */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b < 0) return true;
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void slowClientsDribblingHeadersAreCutOffWhileOthersAreServed() throws Exception {
    int slow = 300;
    try (Fleet f = fleet(new FrontSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(30), 10_000))) {
      List<Socket> sockets = new ArrayList<>();
      ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
      try {
        for (int i = 0; i < slow; i++) {
          Socket s = new Socket("127.0.0.1", f.gateway().port());
          s.setSoTimeout(50);
          s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          sockets.add(s);
        }
        // Each slow client sends one more header byte every 100 ms and never finishes its head.
        dribbler.scheduleAtFixedRate(() -> {
          for (Socket s : sockets) {
            try {
              OutputStream out = s.getOutputStream();
              out.write('x');
              out.flush();
            } catch (IOException closed) {
              // cut off by the gateway, as intended
            }
          }
        }, 100, 100, TimeUnit.MILLISECONDS);

        for (int i = 0; i < 20; i++) assertThat(f.post("/v1/chat/completions", GOOD).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(sockets.stream().filter(FrontProtectionsTest::closedByServer).count()).isEqualTo(slow));
        assertThat(f.post("/v1/chat/completions", GOOD).statusCode()).isEqualTo(200);
      } finally {
        dribbler.shutdownNow();
        for (Socket s : sockets) s.close();
      }
    }
  }

  @Test
  void aBodyThatNeverCompletesGets408AndTheConnectionCloses() throws Exception {
    try (Fleet f = fleet(new FrontSettings(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30), 10_000));
         Socket s = new Socket("127.0.0.1", f.gateway().port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
          + "content-length: 500\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
      assertThat(f.sim(0).stats().requests("/v1/chat/completions")).isZero();
    }
  }

  @Test
  void anIdleKeptAliveConnectionIsClosed() throws Exception {
    try (Fleet f = fleet(new FrontSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 10_000));
         Socket s = new Socket("127.0.0.1", f.gateway().port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      // Kept alive, then idle: the gateway closes it.
      assertThat(closedByServer(s)).isTrue();
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAsTheyArrive() throws Exception {
    int limit = 40;
    try (Fleet f = fleet(new FrontSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), limit))) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < limit; i++) {
          Socket s = new Socket("127.0.0.1", f.gateway().port());
          s.setSoTimeout(300);
          held.add(s);
        }
        // Every held connection is accepted and open: it answers a request.
        Socket probe = held.getLast();
        probe.setSoTimeout(10_000);
        probe.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(probe.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

        try (Socket extra = new Socket("127.0.0.1", f.gateway().port())) {
          extra.setSoTimeout(10_000);
          assertThat(closedByServer(extra)).isTrue();
        }
        held.removeFirst().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          try (Socket again = new Socket("127.0.0.1", f.gateway().port())) {
            again.setSoTimeout(5_000);
            again.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(again.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
          } catch (IOException e) {
            return false;
          }
        });
      } finally {
        for (Socket s : held) s.close();
      }
    }
  }
}
