package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.exchange.ExchangeObserver;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A worker's response body as a stream that shows each chunk to the exchange's observer on its way through. */
public final class BodyTap implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private final ExchangeObserver observer;

  private BodyTap(ReadStream<Buffer> source, ExchangeObserver observer) {
    this.source = source;
    this.observer = observer;
  }

  /** {@code source} itself when nobody watches. */
  public static ReadStream<Buffer> of(ReadStream<Buffer> source, ExchangeObserver observer) {
    return observer == ExchangeObserver.NONE ? source : new BodyTap(source, observer);
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : chunk -> {
      observer.body(chunk);
      handler.handle(chunk);
    });
    return this;
  }

  @Override public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) { source.exceptionHandler(handler); return this; }
  @Override public ReadStream<Buffer> pause() { source.pause(); return this; }
  @Override public ReadStream<Buffer> resume() { source.resume(); return this; }
  @Override public ReadStream<Buffer> fetch(long amount) { source.fetch(amount); return this; }
  @Override public ReadStream<Buffer> endHandler(Handler<Void> endHandler) { source.endHandler(endHandler); return this; }
}
