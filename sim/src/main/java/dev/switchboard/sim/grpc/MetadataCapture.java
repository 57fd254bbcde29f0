package dev.switchboard.sim.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.vertx.core.MultiMap;

/** Makes the call's metadata available to the service as a case-insensitive multimap. */
final class MetadataCapture implements ServerInterceptor {

  private static final Context.Key<MultiMap> HEADERS = Context.key("sim-headers");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
      ServerCallHandler<Q, R> next) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String key : metadata.keys()) {
      if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Iterable<String> values = metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (values != null) {
          values.forEach(value -> headers.add(key, value));
        }
      }
    }
    return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, metadata, next);
  }

  static MultiMap current() {
    MultiMap headers = HEADERS.get();
    return headers == null ? MultiMap.caseInsensitiveMultiMap() : headers;
  }
}
