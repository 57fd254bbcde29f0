package dev.switchboard.sim.grpc;

import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.sim.engine.FinishReason;
import dev.switchboard.sim.engine.GenerationListener;
import dev.switchboard.sim.engine.GenerationSpec;
import dev.switchboard.sim.engine.SimOutput;
import java.util.Arrays;
import java.util.Set;

/**
 * One choice of a gRPC Generate call. The answer has a natural length of {@code contentTokens} words followed by
 * the EOS id; {@code ignore_eos} replaces the EOS by more words, and {@code max_new_tokens} cuts either short.
 */
final class GrpcChoice implements GenerationListener {

  final int index;
  final int[] prompt;
  private final long promptHash;
  private final int budget;
  private final int eosPosition;
  private final int eosId;
  private final Set<Integer> stopTokenIds;
  private final SimOutput output;
  private final GrpcVocabulary vocabulary;
  private final GenerateCall call;
  private final int[] script;
  private int[] ids = new int[8];
  private int produced;
  private int cachedTokens;
  private String finishReason;
  private Integer matchedTokenId;

  /** @param script token ids answered instead of generated words (then EOS), or null */
  GrpcChoice(int index, int[] prompt, Integer maxNewTokens, int contentTokens, boolean ignoreEos, int eosId,
      Set<Integer> stopTokenIds, SimOutput output, GrpcVocabulary vocabulary, int[] script, GenerateCall call) {
    if (script != null) {
      contentTokens = script.length;
    }
    this.script = script;
    this.index = index;
    this.prompt = prompt;
    this.promptHash = SimTokens.hash(prompt);
    this.eosPosition = ignoreEos ? -1 : contentTokens;
    int natural = ignoreEos ? contentTokens : contentTokens + 1;
    this.budget = maxNewTokens == null ? natural : ignoreEos ? maxNewTokens : Math.min(maxNewTokens, natural);
    this.eosId = eosId;
    this.stopTokenIds = stopTokenIds;
    this.output = output;
    this.vocabulary = vocabulary;
    this.call = call;
  }

  GenerationSpec spec(boolean usesCache, boolean holdable) {
    return new GenerationSpec(prompt, budget, usesCache, holdable, this::tokenAt);
  }

  private int tokenAt(int position) {
    if (position == eosPosition) {
      return eosId;
    }
    if (script != null && position < script.length) {
      return script[position];
    }
    return vocabulary.id(output.wordIndex(promptHash, index, position));
  }

  @Override
  public void onPrefilled(int cached) {
    cachedTokens = cached;
  }

  @Override
  public boolean onToken(int position, int tokenId) {
    if (produced == ids.length) {
      ids = Arrays.copyOf(ids, produced * 2);
    }
    ids[produced++] = tokenId;
    boolean more = true;
    if (position == eosPosition || stopTokenIds.contains(tokenId)) {
      finishReason = "stop";
      matchedTokenId = tokenId;
      more = false;
    } else if (produced >= budget) {
      finishReason = "length";
    }
    call.onToken(this, tokenId, produced == 1);
    return more;
  }

  @Override
  public void onFinish(FinishReason reason) {
    if (finishReason == null) {
      finishReason = reason == FinishReason.ABORT ? "abort" : "length";
    }
    call.onChoiceDone(this);
  }

  int produced() { return produced; }
  int[] outputIds() { return Arrays.copyOf(ids, produced); }
  int cachedTokens() { return cachedTokens; }
  String finishReason() { return finishReason; }
  Integer matchedTokenId() { return matchedTokenId; }
}
