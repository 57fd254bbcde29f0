package dev.switchboard.sim.kv;

import dev.switchboard.sim.cache.SimTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Writes one {@code KVEventBatch} payload in a dialect: msgpack of the array-like struct
 * {@code [ts, [event...], (dp_rank)]}, each event an array whose first element is its tag.
 */
final class KvEventEncoder {
  /** One cache event, as the publisher queues it. */
  sealed interface Event permits Stored, Removed, Cleared {}

  /** One or more chained blocks: {@code keys[i]}'s parent is {@code keys[i - 1]}, the first's is {@code parentKey}. */
  record Stored(long[] keys, long parentKey, int[] tokens) implements Event {}

  record Removed(long key) implements Event {}

  record Cleared() implements Event {}

  private final KvDialect dialect;
  private final int blockSize;

  KvEventEncoder(KvDialect dialect, int blockSize) {
    this.dialect = dialect;
    this.blockSize = blockSize;
  }

  byte[] batch(double ts, List<Event> events) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      boolean vllm = dialect == KvDialect.VLLM;
      p.packArrayHeader(vllm ? 3 : 2);
      p.packDouble(ts);
      p.packArrayHeader(events.size());
      for (Event e : events) {
        switch (e) {
          case Stored s -> stored(p, s);
          case Removed r -> {
            p.packArrayHeader(vllm ? 3 : 2);
            p.packString("BlockRemoved");
            p.packArrayHeader(1);
            hash(p, r.key());
            if (vllm) {
              p.packString("GPU");
            }
          }
          case Cleared c -> {
            p.packArrayHeader(1);
            p.packString("AllBlocksCleared");
          }
        }
      }
      if (vllm) {
        p.packInt(0); // data_parallel_rank
      }
      return p.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stored(MessageBufferPacker p, Stored s) throws IOException {
    boolean vllm = dialect == KvDialect.VLLM;
    p.packArrayHeader(vllm ? 7 : 6);
    p.packString("BlockStored");
    p.packArrayHeader(s.keys().length);
    for (long key : s.keys()) {
      hash(p, key);
    }
    if (s.parentKey() == 0) {
      p.packNil();
    } else {
      hash(p, s.parentKey());
    }
    p.packArrayHeader(s.tokens().length);
    for (int t : s.tokens()) {
      p.packInt(t);
    }
    p.packInt(blockSize);
    p.packNil(); // lora_id
    if (vllm) {
      p.packString("GPU");
    }
  }

  /** vLLM: a 32-byte digest (as its default external hash); SGLang: a signed 64-bit integer. */
  private void hash(MessageBufferPacker p, long key) throws IOException {
    if (dialect == KvDialect.SGLANG) {
      p.packLong(key);
      return;
    }
    byte[] digest = new byte[32];
    long h = key;
    for (int i = 0; i < 4; i++) {
      for (int b = 0; b < 8; b++) {
        digest[i * 8 + b] = (byte) (h >>> (56 - 8 * b));
      }
      h = SimTokens.mix(h + 0x9E3779B97F4A7C15L);
    }
    p.packBinaryHeader(digest.length);
    p.writePayload(digest);
  }
}
