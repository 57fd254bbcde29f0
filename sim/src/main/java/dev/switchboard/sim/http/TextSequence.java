package dev.switchboard.sim.http;

import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.sim.engine.FinishReason;
import dev.switchboard.sim.engine.GenerationListener;
import dev.switchboard.sim.engine.GenerationSpec;
import dev.switchboard.sim.engine.SimOutput;
import dev.switchboard.sim.engine.SimScript;
import java.util.Arrays;
import java.util.List;

/** One output sequence (one choice of one prompt) as words of text, with stop strings and stop token ids. */
final class TextSequence implements GenerationListener {

  /** Receives the sequence's progress on the worker's context. */
  interface Sink {
    /** New text; {@code last} when no more text follows for this sequence. */
    void onDelta(TextSequence sequence, String delta, boolean last);

    /** The sequence finished (after its last delta, or aborted). */
    void onDone(TextSequence sequence);
  }

  final int index;
  final int[] prompt;
  final int maxTokens;
  private final long promptHash;
  private final int choice;
  private final SimOutput output;
  private final SamplingOptions options;
  private final Sink sink;
  private final StringBuilder text = new StringBuilder();
  private int[] outputIds = new int[8];
  private int produced;
  private int cachedTokens;
  private FinishReason finish;
  private Object matchedStop;
  private final List<String> script;
  private final List<String> tokenTexts = new java.util.ArrayList<>();

  /** @param script fixed answer pieces replacing the generated words (see {@link SimScript}), or null */
  TextSequence(int index, int[] prompt, int choice, SamplingOptions options, SimOutput output, List<String> script,
      Sink sink) {
    this.index = index;
    this.prompt = prompt;
    this.choice = choice;
    this.script = script;
    this.maxTokens = script == null ? options.maxTokens() : Math.min(options.maxTokens(), script.size());
    this.options = options;
    this.output = output;
    this.sink = sink;
    this.promptHash = SimTokens.hash(prompt);
  }

  GenerationSpec spec(boolean usesCache, boolean holdable) {
    return new GenerationSpec(prompt, maxTokens, usesCache, holdable, script == null
        ? i -> output.tokenId(promptHash, choice, i)
        : i -> SimTokens.idOf(script.get(i).strip()));
  }

  @Override
  public void onPrefilled(int cached) {
    cachedTokens = cached;
  }

  @Override
  public boolean onToken(int position, int tokenId) {
    if (produced == outputIds.length) {
      outputIds = Arrays.copyOf(outputIds, produced * 2);
    }
    outputIds[produced++] = tokenId;
    int before = text.length();
    if (options.stopTokenIds().contains(tokenId)) {
      tokenTexts.add("");
      finish = FinishReason.STOP;
      matchedStop = tokenId;
      sink.onDelta(this, "", true);
      return false;
    }
    if (script != null) {
      text.append(script.get(position));
    } else {
      if (before > 0) {
        text.append(' ');
      }
      text.append(output.word(promptHash, choice, position));
    }
    tokenTexts.add(text.substring(before));
    for (String stop : options.stops()) {
      int at = stop.isEmpty() ? -1 : text.indexOf(stop, Math.max(0, before - stop.length() + 1));
      if (at >= 0) {
        finish = FinishReason.STOP;
        matchedStop = stop;
        text.setLength(options.noStopTrim() ? at + stop.length() : at);
        sink.onDelta(this, text.length() > before ? text.substring(before) : "", true);
        return false;
      }
    }
    boolean last = position + 1 >= maxTokens;
    if (last) {
      finish = script != null && script.size() < options.maxTokens() ? FinishReason.STOP : FinishReason.LENGTH;
    }
    sink.onDelta(this, text.substring(before), last);
    return finish != FinishReason.STOP;
  }

  @Override
  public void onFinish(FinishReason reason) {
    if (finish == null) {
      finish = reason;
    }
    sink.onDone(this);
  }

  String text() { return text.toString(); }
  int completionTokens() { return produced; }
  int[] outputIds() { return Arrays.copyOf(outputIds, produced); }
  /** The text each output token added (before stop trimming). */
  List<String> tokenTexts() { return tokenTexts; }
  int cachedTokens() { return cachedTokens; }
  FinishReason finish() { return finish; }
  Object matchedStop() { return matchedStop; }
  int promptTokens() { return prompt.length; }

  /** Sampling options the simulator honours. */
  record SamplingOptions(int maxTokens, List<String> stops, java.util.Set<Integer> stopTokenIds, boolean noStopTrim) {
  }
}
