package dev.switchboard.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.policy.TestWorkers;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvIndexTest {
  private static final int BS = 4;
  private final TestWorkers workers = new TestWorkers();
  private final Worker a = workers.add("http://a:1");
  private final Worker b = workers.add("http://b:1");

  private static int[] tokens(int n, int seed) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) t[i] = seed * 1000 + i;
    return t;
  }

  private static KvEvent.BlockStored stored(long[] hashes, Long parent, int[] tokens, Integer lora, String medium) {
    return new KvEvent.BlockStored(hashes, parent != null, parent == null ? 0 : parent, tokens, BS, lora, medium);
  }

  @Test
  void chainsStoredInPiecesMatchThePromptsTheyBegin() {
    KvIndex index = new KvIndex(1_000);
    KvIndex.WorkerBlocks wa = index.attach(a);
    index.attach(b);
    int[] prompt = tokens(14, 1); // 3 full blocks + 2
    wa.apply(stored(new long[] {11, 12}, null, java.util.Arrays.copyOfRange(prompt, 0, 8), null, "GPU"));
    wa.apply(stored(new long[] {13}, 12L, java.util.Arrays.copyOfRange(prompt, 8, 12), null, null));
    assertThat(index.cachedBlocks(prompt, List.of(a, b))).containsExactly(3, 0);
    int[] other = prompt.clone();
    other[5] = -1; // differs in block 2
    assertThat(index.cachedBlocks(other, List.of(a))).containsExactly(1);

    wa.apply(new KvEvent.BlockRemoved(new long[] {13}, null));
    assertThat(index.cachedBlocks(prompt, List.of(a))).containsExactly(2);
    assertThat(index.entries()).isEqualTo(2);
  }

  @Test
  void aChildOfAnUnknownParentIsNotIndexed() {
    KvIndex index = new KvIndex(1_000);
    KvIndex.WorkerBlocks wa = index.attach(a);
    wa.apply(stored(new long[] {21}, 99L, tokens(4, 2), null, null));
    assertThat(index.entries()).isZero();
  }

  @Test
  void loraAdaptersAndStorageMediaAreKeptApart() {
    KvIndex index = new KvIndex(1_000);
    KvIndex.WorkerBlocks wa = index.attach(a);
    KvIndex.WorkerBlocks wb = index.attach(b);
    int[] prompt = tokens(8, 3);
    wa.apply(stored(new long[] {31, 32}, null, prompt, 7, "GPU")); // an adapter's blocks
    wb.apply(stored(new long[] {41, 42}, null, prompt, null, "CPU")); // offloaded: not device memory
    assertThat(index.cachedBlocks(prompt, List.of(a, b))).containsExactly(0, 0);
    assertThat(wb.size("CPU")).isEqualTo(2);
    assertThat(wb.size("GPU")).isZero();

    wb.apply(stored(new long[] {41, 42}, null, prompt, null, "GPU")); // now in device memory too
    assertThat(index.cachedBlocks(prompt, List.of(a, b))).containsExactly(0, 2);
    wb.apply(new KvEvent.BlockRemoved(new long[] {41, 42}, "CPU")); // dropping the offloaded copy keeps the other
    assertThat(index.cachedBlocks(prompt, List.of(b))).containsExactly(2);
    assertThat(index.entries()).isEqualTo(4); // a's two adapter blocks + b's two device blocks
  }

  @Test
  void sharedBlocksAreHeldByEveryWorkerUntilEachRemovesThem() {
    KvIndex index = new KvIndex(1_000);
    int[] prompt = tokens(8, 4);
    index.attach(a).apply(stored(new long[] {1, 2}, null, prompt, null, null));
    index.attach(b).apply(stored(new long[] {901, 902}, null, prompt, null, null)); // other engine, other hashes
    assertThat(index.keys()).isEqualTo(2);
    assertThat(index.cachedBlocks(prompt, List.of(a, b))).containsExactly(2, 2);
    index.blocks(a).apply(new KvEvent.AllBlocksCleared());
    assertThat(index.cachedBlocks(prompt, List.of(a, b))).containsExactly(0, 2);
    index.detach(b);
    assertThat(index.keys()).isZero();
    assertThat(index.entries()).isZero();
  }

  @Test
  void memoryIsBoundedByMaxEntries() {
    KvIndex index = new KvIndex(3);
    KvIndex.WorkerBlocks wa = index.attach(a);
    wa.apply(stored(new long[] {1, 2, 3, 4, 5}, null, tokens(20, 5), null, null));
    assertThat(index.entries()).isEqualTo(3);
    assertThat(index.droppedStores()).isEqualTo(1);
    wa.apply(new KvEvent.BlockRemoved(new long[] {3}, null));
    assertThat(index.entries()).isEqualTo(2);
  }

  @Test
  void longLongMapSurvivesChurn() {
    LongLongMap m = new LongLongMap();
    java.util.Map<Long, Long> ref = new java.util.HashMap<>();
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < 200_000; i++) {
      long k = r.nextInt(5_000) - 2_500; // includes 0
      if (r.nextBoolean()) {
        assertThat(m.put(k, i)).isEqualTo(ref.containsKey(k) ? ref.get(k) : LongLongMap.MISSING);
        ref.put(k, (long) i);
      } else {
        assertThat(m.remove(k)).isEqualTo(ref.containsKey(k) ? ref.remove(k) : LongLongMap.MISSING);
      }
    }
    assertThat(m.size()).isEqualTo(ref.size());
    for (var e : ref.entrySet()) assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
  }
}
