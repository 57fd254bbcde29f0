package dev.switchboard.sim.engine;

import java.util.function.IntUnaryOperator;

/**
 * What to run.
 *
 * @param prompt      prompt token ids (KV-cache identity)
 * @param maxTokens   tokens to produce at most (0 finishes right after prefill with LENGTH)
 * @param usesCache   match and insert the prompt in the KV cache and charge prefill time for uncached tokens
 * @param holdable    may be held by the stream gate after its first token
 * @param outputToken the token id produced at each output index (cached with the prompt when it finishes)
 */
public record GenerationSpec(int[] prompt, int maxTokens, boolean usesCache, boolean holdable,
    IntUnaryOperator outputToken) {
}
