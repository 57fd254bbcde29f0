package dev.switchboard.gateway.kv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Decodes a {@code KVEventBatch} payload: msgpack {@code [ts, [event...], (dp_rank)]}, each event an array whose
 * first element is its tag. Both engines' dialects are read: block hashes as integers (SGLang, vLLM with integer
 * hashes) or byte strings (vLLM's default, folded to 64 bits), trailing optional fields present or left out, and
 * fields this gateway does not know after the ones it reads are skipped. Unknown tags are skipped.
 */
public final class KvEventDecoder {
  private KvEventDecoder() {}

  /** The events of one batch; throws {@link IOException} when the payload is not a batch. */
  public static List<KvEvent> decode(byte[] payload) throws IOException {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(payload)) {
      int fields = u.unpackArrayHeader();
      if (fields < 2) throw new IOException("a KV event batch has at least [ts, events], got " + fields + " fields");
      u.skipValue(); // ts
      int n = u.unpackArrayHeader();
      List<KvEvent> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        KvEvent e = event(u);
        if (e != null) events.add(e);
      }
      return events; // a trailing data-parallel rank (or anything newer) is not needed
    } catch (org.msgpack.core.MessagePackException e) {
      throw new IOException("malformed KV event batch: " + e.getMessage(), e);
    }
  }

  private static KvEvent event(MessageUnpacker u) throws IOException {
    int fields = u.unpackArrayHeader();
    if (fields == 0) return null;
    if (u.getNextFormat().getValueType() != ValueType.STRING) {
      skip(u, fields);
      return null;
    }
    String tag = u.unpackString();
    int left = fields - 1;
    switch (tag) {
      case "BlockStored" -> {
        if (left < 4) throw new IOException("BlockStored needs at least 4 fields, got " + left);
        long[] hashes = hashes(u);
        boolean hasParent = !u.tryUnpackNil();
        long parent = hasParent ? hash(u) : 0;
        int[] tokens = ints(u);
        int blockSize = u.unpackInt();
        left -= 4;
        Integer lora = null;
        String medium = null;
        if (left > 0) {
          lora = u.tryUnpackNil() ? null : u.unpackInt();
          left--;
        }
        if (left > 0) {
          medium = optionalString(u);
          left--;
        }
        skip(u, left);
        return new KvEvent.BlockStored(hashes, hasParent, parent, tokens, blockSize, lora, medium);
      }
      case "BlockRemoved" -> {
        if (left < 1) throw new IOException("BlockRemoved needs its block hashes");
        long[] hashes = hashes(u);
        left--;
        String medium = null;
        if (left > 0) {
          medium = optionalString(u);
          left--;
        }
        skip(u, left);
        return new KvEvent.BlockRemoved(hashes, medium);
      }
      case "AllBlocksCleared" -> {
        skip(u, left);
        return new KvEvent.AllBlocksCleared();
      }
      default -> {
        skip(u, left);
        return null;
      }
    }
  }

  private static String optionalString(MessageUnpacker u) throws IOException {
    if (u.tryUnpackNil()) return null;
    if (u.getNextFormat().getValueType() != ValueType.STRING) {
      u.skipValue();
      return null;
    }
    return u.unpackString();
  }

  private static long[] hashes(MessageUnpacker u) throws IOException {
    int n = u.unpackArrayHeader();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) out[i] = hash(u);
    return out;
  }

  /** An integer hash as is (unsigned 64-bit values keep their bits); a byte-string hash folded to 64 bits. */
  private static long hash(MessageUnpacker u) throws IOException {
    MessageFormat f = u.getNextFormat();
    if (f.getValueType() == ValueType.INTEGER) {
      if (f == MessageFormat.UINT64) return u.unpackBigInteger().longValue();
      return u.unpackLong();
    }
    if (f.getValueType() == ValueType.BINARY || f.getValueType() == ValueType.STRING) {
      int len = f.getValueType() == ValueType.BINARY ? u.unpackBinaryHeader() : u.unpackRawStringHeader();
      byte[] bytes = u.readPayload(len);
      long h = 0xcbf29ce484222325L;
      for (byte b : bytes) h = (h ^ (b & 0xff)) * 0x100000001b3L;
      return BlockChain.mix(h);
    }
    throw new IOException("a block hash must be an integer or bytes, not " + f.getValueType());
  }

  private static int[] ints(MessageUnpacker u) throws IOException {
    int n = u.unpackArrayHeader();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = u.unpackInt();
    return out;
  }

  private static void skip(MessageUnpacker u, int values) throws IOException {
    for (int i = 0; i < values; i++) u.skipValue();
  }
}
