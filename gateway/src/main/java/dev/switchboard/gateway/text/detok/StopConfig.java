package dev.switchboard.gateway.text.detok;

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

    public static StopConfig none() {
        return new StopConfig(List.of(), Set.of(), true, false);
    }
}
