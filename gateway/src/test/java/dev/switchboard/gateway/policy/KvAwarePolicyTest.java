package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.Worker;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KvAwarePolicyTest {
  private static final int BS = 16;

  /** A view in which chosen workers hold chosen prompts' blocks (keys: the prompt's first id, block index). */
  private static final class View implements PrefixCacheView {
    final Set<Worker> publishing = new HashSet<>();
    final Set<String> held = new HashSet<>();

    @Override public boolean publishes(Worker w) { return publishing.contains(w); }
    @Override public int blockSize(Worker w) { return BS; }
    @Override public int[] cachedBlocks(int[] ids, List<Worker> workers) { throw new UnsupportedOperationException(); }
    @Override public long[] blockKeys(int[] ids, int blockSize) {
      long[] keys = new long[ids.length / blockSize];
      for (int b = 0; b < keys.length; b++) keys[b] = ((long) ids[0] << 20) + b;
      return keys;
    }
    @Override public boolean holds(Worker w, long key) { return held.contains(w.url() + "#" + key); }
    @Override public PromptEncoder prompts() { return PromptEncoder.NONE; }

    void hold(Worker w, int promptId, int blocks) {
      for (int b = 0; b < blocks; b++) held.add(w.url() + "#" + (((long) promptId << 20) + b));
    }
  }

  private static SelectionContext prompt(int id, int length) {
    int[] ids = new int[length];
    java.util.Arrays.fill(ids, id);
    return new SelectionContext() {
      @Override public String model() { return "m"; }
      @Override public String routingText() { return "prompt " + id; }
      @Override public String header(String name) { return null; }
      @Override public String user() { return null; }
      @Override public int[] tokenIds(PromptEncoder encoder) { return ids; }
    };
  }

  private static KvAwarePolicy policy(View view, long pendingTtlMs) {
    KvAwarePolicy.Settings d = KvAwarePolicy.Settings.DEFAULTS;
    return new KvAwarePolicy(new KvAwarePolicy.Settings(d.loadWeight(), d.kvUsageWeight(), pendingTtlMs, d.loadPollMillis(), d.cache()), view);
  }

  @Test
  void theWorkerHoldingThePrefixWinsUntilItsLoadOutweighsTheHit() {
    TestWorkers tw = new TestWorkers();
    List<Worker> ws = tw.add(4);
    View view = new View();
    view.publishing.addAll(ws);
    view.hold(ws.get(2), 7, 30); // a hot prefix, 30 of 32 blocks
    KvAwarePolicy p = policy(view, 0);
    assertThat(p.pick(ws, prompt(7, 512))).isSameAs(ws.get(2));

    // every worker busy at 4, the holder at 6: the hit (0.94) still outweighs 2 requests of load
    for (Worker w : ws) TestWorkers.load(w, 4);
    TestWorkers.load(ws.get(2), 2);
    assertThat(p.pick(ws, prompt(7, 512))).isSameAs(ws.get(2));

    // the holder at 14 against 4 elsewhere: the prefix goes to another worker instead of piling up
    TestWorkers.load(ws.get(2), 8);
    Worker spilled = p.pick(ws, prompt(7, 512));
    assertThat(spilled).isNotSameAs(ws.get(2));
  }

  @Test
  void aBurstOfOneNewPrefixStaysTogetherBeforeAnyEventArrives() {
    TestWorkers tw = new TestWorkers();
    List<Worker> ws = tw.add(4);
    View view = new View();
    view.publishing.addAll(ws);
    KvAwarePolicy p = policy(view, 60_000);
    Worker first = p.pick(ws, prompt(9, 256));
    TestWorkers.load(first, 1); // it is in flight there
    for (int i = 0; i < 3; i++) assertThat(p.pick(ws, prompt(9, 256))).isSameAs(first);

    KvAwarePolicy forgetful = policy(view, 0); // without the pending blocks the next one goes elsewhere (less loaded)
    Worker a = forgetful.pick(ws, prompt(11, 256));
    TestWorkers.load(a, 1);
    assertThat(forgetful.pick(ws, prompt(11, 256))).isNotSameAs(a);
  }

  @Test
  void withoutPublishingWorkersItIsCacheAware() {
    TestWorkers tw = new TestWorkers();
    List<Worker> ws = tw.add(3);
    KvAwarePolicy p = policy(new View(), 0);
    Worker first = p.pick(ws, SelectionContext.of("m", "a long shared system prompt ".repeat(10) + "q1"));
    assertThat(p.pick(ws, SelectionContext.of("m", "a long shared system prompt ".repeat(10) + "q2"))).isSameAs(first);
  }

  @Test
  void parametersAreChecked() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Policies.validate(new PolicySpec("kv_aware", Map.of("load_weight", -1))))
        .hasMessageContaining("load_weight");
    assertThat(((KvAwarePolicy) Policies.create(new PolicySpec("kv_aware", Map.of("pending_ttl_ms", 0, "cache_threshold", 0.5))))
        .settings().pendingTtlMillis()).isZero();
  }
}
