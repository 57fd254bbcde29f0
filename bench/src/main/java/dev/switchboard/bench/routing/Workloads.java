package dev.switchboard.bench.routing;

import dev.switchboard.bench.routing.Workload.Script;
import dev.switchboard.bench.routing.Workload.Turn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The routing benchmark's workloads, generated from a seed. Text is made of pseudo-words from a fixed vocabulary;
 * the simulated workers count one token per word, so every length below is exact in tokens.
 */
public final class Workloads {
  private static final int VOCABULARY = 5_000;
  private final Random random;
  private final String[] words;

  public Workloads(long seed) {
    this.random = new Random(seed);
    this.words = new String[VOCABULARY];
    Random r = new Random(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < VOCABULARY; i++) {
      int len = 3 + r.nextInt(6);
      StringBuilder sb = new StringBuilder(len);
      for (int k = 0; k < len; k++) sb.append((char) ('a' + r.nextInt(26)));
      words[i] = sb.toString();
    }
  }

  /** {@code n} random words joined by spaces. */
  String text(int n) {
    StringBuilder sb = new StringBuilder(n * 7);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(' ');
      sb.append(words[random.nextInt(VOCABULARY)]);
    }
    return sb.toString();
  }

  /**
   * SGLang's generated-shared-prefix shape: {@code groups} system prompts, each followed by {@code perGroup}
   * different questions; every prompt is {@code system + "\n\n" + question}; shuffled. The group id is the routing
   * key (as {@code --gsp-send-routing-key} does).
   */
  public Workload sharedPrefix(int groups, int perGroup, int systemLen, int questionLen, int outputLen) {
    List<Script> scripts = new ArrayList<>(groups * perGroup);
    for (int g = 0; g < groups; g++) {
      String system = text(systemLen);
      for (int p = 0; p < perGroup; p++) {
        scripts.add(new Script("group-" + g, List.of(new Turn(system + "\n\n" + text(questionLen), outputLen))));
      }
    }
    Collections.shuffle(scripts, random);
    return new Workload("shared-prefix", scripts);
  }

  /** The control case: {@code count} prompts of {@code promptLen} words sharing nothing; no routing key. */
  public Workload uniform(int count, int promptLen, int outputLen) {
    List<Script> scripts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) scripts.add(new Script(null, List.of(new Turn(text(promptLen), outputLen))));
    return new Workload("uniform", scripts);
  }

  /**
   * Conversations that resend their whole history each turn. Each client opens with a prompt of between
   * {@code firstLen * rangeRatio} and {@code firstLen} words (uniform, as SGLang's {@code --gsp-range-ratio}) and
   * then adds a {@code questionLen}-word question per turn; its number of turns is uniform in
   * {@code [1, 2 * meanTurns - 1]}, so conversations of different lengths come and go. The client id is the key.
   */
  public Workload multiTurn(int clients, int meanTurns, int firstLen, double rangeRatio, int questionLen, int outputLen) {
    List<Script> scripts = new ArrayList<>(clients);
    int minFirst = Math.max(1, (int) (firstLen * rangeRatio));
    for (int c = 0; c < clients; c++) {
      int turns = 1 + random.nextInt(2 * meanTurns - 1);
      List<Turn> list = new ArrayList<>(turns);
      list.add(new Turn(text(minFirst + random.nextInt(firstLen - minFirst + 1)), outputLen));
      for (int t = 1; t < turns; t++) list.add(new Turn(text(questionLen), outputLen));
      scripts.add(new Script("client-" + c, list));
    }
    return new Workload("multi-turn", scripts);
  }
}
