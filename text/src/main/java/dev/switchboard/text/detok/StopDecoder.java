package dev.switchboard.text.detok;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns one generated token stream into output text: incremental detokenization followed by stop-string matching,
 * plus stop token ids. Feed ids with {@link #push}, call {@link #finish} once at the end; the concatenation of all
 * returned strings is the final output text. After a stop, further ids are ignored.
 *
 * <p>A stop token is never decoded into the text unless {@code noStopTrim} is set (then its text, as decoded with the
 * request's skip_special_tokens, is appended). Not thread-safe: one instance per sequence.
 */
public final class StopDecoder {
  private final TokenDecoder decoder;
  private final StopConfig config;
  private final IncrementalDetokenizer detokenizer;
  private final StopSequenceMatcher matcher;
  private final int[] stopTokenIds;
  private StopMatch matched;
  private boolean finished;

  public StopDecoder(TokenDecoder decoder, StopConfig config) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.config = Objects.requireNonNull(config, "config");
    this.detokenizer = new IncrementalDetokenizer(decoder, config.skipSpecialTokens());
    this.matcher = new StopSequenceMatcher(config.stopStrings(), config.noStopTrim());
    this.stopTokenIds = config.stopTokenIds().stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** Feeds one token id; returns the text that became final (possibly empty). */
  public String push(int tokenId) {
    if (isDone()) {
      return "";
    }
    if (isStopToken(tokenId)) {
      return stopOnToken(tokenId);
    }
    return matchText(detokenizer.push(tokenId));
  }

  /** Feeds a chunk of ids; runs without stop tokens are decoded in one step. */
  public String push(int[] ids) {
    StringBuilder out = null;
    int runStart = 0;
    for (int i = 0; i <= ids.length && !isDone(); i++) {
      boolean stopToken = i < ids.length && isStopToken(ids[i]);
      if (i == ids.length || stopToken) {
        String text = matchText(detokenizer.push(ids, runStart, i));
        if (stopToken && !isDone()) {
          text = text.concat(stopOnToken(ids[i]));
        }
        out = append(out, text);
        runStart = i + 1;
      }
    }
    return out == null ? "" : out.toString();
  }

  /** Ends the sequence: releases the text still held by the detokenizer and the stop matcher. Idempotent. */
  public String finish() {
    if (isDone()) {
      return "";
    }
    finished = true;
    String text = matchText(detokenizer.flush());
    return matched != null ? text : text.concat(matcher.flush());
  }

  public boolean stopped() {
    return matched != null;
  }

  /** "stop" once a stop string or stop token ended the sequence; otherwise the engine's reason applies. */
  public Optional<String> finishReason() {
    return matched == null ? Optional.empty() : Optional.of("stop");
  }

  /** The stop that ended the sequence, if any: OpenAI/SGLang {@code matched_stop}. */
  public Optional<StopMatch> matchedStop() {
    return Optional.ofNullable(matched);
  }

  private boolean isStopToken(int id) {
    return stopTokenIds.length != 0 && Arrays.binarySearch(stopTokenIds, id) >= 0;
  }

  private boolean isDone() {
    return finished || matched != null;
  }

  private String stopOnToken(int tokenId) {
    String text = matchText(detokenizer.flush());
    if (matched != null) {
      return text;
    }
    text = text.concat(matcher.flush());
    if (config.noStopTrim()) {
      text = text.concat(decoder.decode(new int[] {tokenId}, config.skipSpecialTokens()));
    }
    matched = new StopMatch.Token(tokenId);
    return text;
  }

  private String matchText(String text) {
    String out = matcher.push(text);
    if (matcher.stopped() && matched == null) {
      matched = new StopMatch.Text(matcher.matchedStop());
    }
    return out;
  }

  private static StringBuilder append(StringBuilder out, String text) {
    if (text.isEmpty()) {
      return out;
    }
    return (out == null ? new StringBuilder() : out).append(text);
  }
}
