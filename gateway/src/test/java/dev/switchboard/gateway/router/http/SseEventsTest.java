package dev.switchboard.gateway.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {

  @Test
  void eventsSplitAcrossChunksComeOutWhole() {
    String stream = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
    for (int cut1 = 1; cut1 < stream.length(); cut1++) {
      for (int cut2 = cut1; cut2 < stream.length(); cut2 += 7) {
        SseEvents events = new SseEvents();
        List<String> out = new ArrayList<>();
        events.feed(Buffer.buffer(stream.substring(0, cut1)), e -> out.add(e.toString()));
        events.feed(Buffer.buffer(stream.substring(cut1, cut2)), e -> out.add(e.toString()));
        events.feed(Buffer.buffer(stream.substring(cut2)), e -> out.add(e.toString()));
        assertThat(out).containsExactly("data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n");
        assertThat(events.rest().length()).isZero();
      }
    }
  }

  @Test
  void unterminatedTailIsKeptForTheCaller() {
    SseEvents events = new SseEvents();
    List<String> out = new ArrayList<>();
    events.feed(Buffer.buffer("data: 1\n\ndata: 2"), e -> out.add(e.toString()));
    assertThat(out).containsExactly("data: 1\n\n");
    assertThat(events.rest().toString()).isEqualTo("data: 2");
  }
}
