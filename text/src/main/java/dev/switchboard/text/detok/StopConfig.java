package dev.switchboard.text.detok;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stop settings of one request.
 *
 * @param stopStrings       stop sequences; empty strings are ignored
 * @param stopTokenIds      ids that end the sequence, including EOS ids unless the request sets ignore_eos
 * @param skipSpecialTokens decode without special tokens
 * @param noStopTrim        keep the matched stop string (or the stop token's text) in the output
 */
public record StopConfig(List<String> stopStrings, Set<Integer> stopTokenIds, boolean skipSpecialTokens,
             boolean noStopTrim) {

  public StopConfig {
    stopStrings = stopStrings.stream().filter(s -> !s.isEmpty()).distinct().toList();
    stopTokenIds = Set.copyOf(stopTokenIds);
  }

  /**
   * The stop settings of a request: the model's EOS ids (e.g. {@code TokenizerConfig.eosTokenIds()}) join the
   * request's stop_token_ids unless ignore_eos is set.
   */
  public static StopConfig forRequest(
      List<String> stop,
      Collection<Integer> stopTokenIds,
      Collection<Integer> eosTokenIds,
      boolean ignoreEos,
      boolean skipSpecialTokens,
      boolean noStopTrim) {
    Set<Integer> ids = new HashSet<>(stopTokenIds);
    if (!ignoreEos) {
      ids.addAll(eosTokenIds);
    }
    return new StopConfig(stop, ids, skipSpecialTokens, noStopTrim);
  }

  public static StopConfig none() {
    return new StopConfig(List.of(), Set.of(), true, false);
  }
}
