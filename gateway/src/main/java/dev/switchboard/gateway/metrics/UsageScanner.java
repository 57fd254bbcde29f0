package dev.switchboard.gateway.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token usage in a response body as it streams by, without parsing the body: it keeps only the last
 * {@link #TAIL_BYTES} bytes and, at the end, reads the last {@code "usage": {...}} object found there (OpenAI chat,
 * completions, embeddings and the last SSE event of a stream with {@code include_usage}; Responses API names), else
 * the last {@code "meta_info": {...}} (SGLang's {@code /generate}). A body whose usage lies further from its end
 * (e.g. {@code /generate} with logprobs) reports none. Not thread-safe: one response, one event loop.
 */
public final class UsageScanner {
  /** Usage objects come last in every shape the workers send; this covers them and what may follow (timings, [DONE]). */
  static final int TAIL_BYTES = 4096;
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] META_INFO = "\"meta_info\"".getBytes(StandardCharsets.US_ASCII);

  private byte[] ring;
  /** Bytes seen in total; {@code seen % TAIL_BYTES} is where the next byte goes. */
  private long seen;

  /** Feeds the next chunk of the body. */
  public void feed(Buffer chunk) {
    int len = chunk.length();
    if (len == 0) return;
    if (ring == null) ring = new byte[TAIL_BYTES];
    int from = Math.max(0, len - TAIL_BYTES);
    seen += from; // bytes that could never be in the tail are skipped, not copied
    int pos = (int) (seen % TAIL_BYTES);
    int n = len - from;
    int first = Math.min(n, TAIL_BYTES - pos);
    chunk.getBytes(from, from + first, ring, pos);
    if (first < n) chunk.getBytes(from + first, len, ring, 0);
    seen += n;
  }

  /** The usage found in the tail of what was fed, or {@code null}. */
  public Usage usage() {
    if (ring == null) return null;
    byte[] tail = tail();
    Usage u = lastObject(tail, USAGE);
    return u != null ? u : lastObject(tail, META_INFO);
  }

  private byte[] tail() {
    int size = (int) Math.min(seen, TAIL_BYTES);
    byte[] out = new byte[size];
    int start = (int) ((seen - size) % TAIL_BYTES);
    int first = Math.min(size, TAIL_BYTES - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, size - first);
    return out;
  }

  /** The last occurrence of {@code key} whose value is an object with token counts. */
  private static Usage lastObject(byte[] tail, byte[] key) {
    for (int at = lastIndexOf(tail, key, tail.length - key.length); at >= 0; at = lastIndexOf(tail, key, at - 1)) {
      int i = skipSpace(tail, at + key.length);
      if (i >= tail.length || tail[i] != ':') continue;
      i = skipSpace(tail, i + 1);
      if (i >= tail.length || tail[i] != '{') continue; // "usage": null in intermediate stream chunks
      Usage u = read(tail, i);
      if (u != null) return u;
    }
    return null;
  }

  /** Reads the counts of the object starting at {@code start}; nested objects (token details) are skipped. */
  private static Usage read(byte[] tail, int start) {
    long prompt = -1;
    long completion = -1;
    long total = -1;
    try (JsonParser p = JSON.createParser(tail, start, tail.length - start)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        if (v != JsonToken.VALUE_NUMBER_INT) continue;
        switch (name) {
          case "prompt_tokens", "input_tokens" -> prompt = p.getLongValue();
          case "completion_tokens", "output_tokens" -> completion = p.getLongValue();
          case "total_tokens" -> total = p.getLongValue();
          default -> { }
        }
      }
    } catch (IOException e) {
      return null; // cut off by the start of the tail, or not JSON after all
    }
    if (prompt < 0 && completion < 0) return null;
    if (prompt < 0) prompt = total >= completion ? total - completion : 0;
    if (completion < 0) completion = total >= prompt ? total - prompt : 0;
    return new Usage(prompt, completion);
  }

  private static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
    return i;
  }

  private static int lastIndexOf(byte[] b, byte[] key, int from) {
    outer:
    for (int i = Math.min(from, b.length - key.length); i >= 0; i--) {
      for (int k = 0; k < key.length; k++) {
        if (b[i + k] != key[k]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
