package dev.switchboard.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void hopByHopAndGatewayOwnedHeadersNeverCrossInAnyCase() {
    MultiMap from = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, X-Hop").add("Keep-Alive", "timeout=5").add("Proxy-Authenticate", "a")
        .add("PROXY-AUTHORIZATION", "b").add("proxy-connection", "c").add("TE", "trailers").add("Trailer", "x")
        .add("Trailers", "y").add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("Host", "gw")
        .add("Content-Length", "3").add("Authorization", "Bearer client").add("X-Request-Id", "abc").add("Expect", "100-continue")
        .add("x-hop", "named by Connection")
        .add("User-Agent", "sdk").add("Accept", "a").add("accept", "b").add("X-Session-Id", "s1");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyEndToEnd(from, to);
    assertThat(to.names()).containsExactlyInAnyOrder("User-Agent", "Accept", "X-Session-Id");
    assertThat(to.getAll("accept")).containsExactly("a", "b");
    assertThat(to.get("x-session-id")).isEqualTo("s1");
  }

  @Test
  void namesThatMerelyResembleHopByHopOnesCross() {
    for (String name : List.of("hosts", "te2", "x-connection", "content-type", "authorizations", "x-request")) {
      assertThat(Headers.notForwarded(name)).as(name).isFalse();
    }
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyEndToEnd(MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("Connection", " "), to);
    assertThat(to.names()).containsExactly("Content-Type");
  }
}
