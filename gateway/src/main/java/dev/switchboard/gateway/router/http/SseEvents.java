package dev.switchboard.gateway.router.http;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into server-sent events at each blank line ({@code \n\n}), however the network split it.
 * Each event is handed on with its terminating blank line. Not thread-safe: one instance per stream.
 */
public final class SseEvents {
  private Buffer pending = Buffer.buffer();

  /** Adds a chunk and hands on every event it completes, in order. */
  public void feed(Buffer chunk, Consumer<Buffer> onEvent) {
    Buffer data = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
    int start = 0;
    int len = data.length();
    for (int i = 1; i < len; i++) {
      if (data.getByte(i) == '\n' && data.getByte(i - 1) == '\n') {
        onEvent.accept(data.slice(start, i + 1).copy());
        start = i + 1;
      }
    }
    pending = start == len ? Buffer.buffer() : data.slice(start, len).copy();
  }

  /** Bytes after the last complete event (a stream that did not end with a blank line); empty if none. */
  public Buffer rest() {
    Buffer r = pending;
    pending = Buffer.buffer();
    return r;
  }
}
