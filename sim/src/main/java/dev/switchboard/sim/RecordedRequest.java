package dev.switchboard.sim;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;

/**
 * A request as the worker received it.
 *
 * @param method  HTTP method (or "GRPC" for gRPC calls)
 * @param path    path without the query (for gRPC, the full method name)
 * @param query   query string or null
 * @param headers case-insensitive copy of the headers (gRPC metadata for gRPC calls)
 * @param body    raw body bytes (protobuf bytes for gRPC)
 */
public record RecordedRequest(String method, String path, String query, MultiMap headers, byte[] body) {

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public String header(String name) {
    return headers.get(name);
  }
}
