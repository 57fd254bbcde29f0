package dev.switchboard.sim.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KvCacheTest {

  /** {@code length} distinct tokens starting at {@code first}. */
  private static int[] tokens(int first, int length) {
    return IntStream.range(first, first + length).toArray();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] all = new int[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void onlyFullBlocksAreCachedAndTheLastTokenIsAlwaysComputed() {
    KvCache cache = new KvCache(1024, 16);
    int[] prompt = tokens(0, 40);
    KvCache.Lease first = cache.acquire(prompt);
    assertThat(first.cachedTokens()).isZero();
    assertThat(cache.usedTokens()).isEqualTo(32);
    cache.release(first);

    KvCache.Lease again = cache.acquire(prompt);
    assertThat(again.cachedTokens()).isEqualTo(32);
    cache.release(again);
    assertThat(cache.peekCachedTokens(tokens(0, 33))).isEqualTo(32);
    assertThat(cache.peekCachedTokens(tokens(0, 32))).isEqualTo(16);
    assertThat(cache.peekCachedTokens(tokens(0, 31))).isEqualTo(16);
    assertThat(cache.peekCachedTokens(tokens(0, 16))).isZero();
  }

  @Test
  void sequencesShareTheirCommonFullBlockPrefix() {
    KvCache cache = new KvCache(1024, 16);
    int[] shared = tokens(0, 32);
    cache.release(cache.acquire(concat(shared, tokens(1000, 17))));
    assertThat(cache.usedTokens()).isEqualTo(48);
    KvCache.Lease other = cache.acquire(concat(shared, tokens(2000, 17)));
    assertThat(other.cachedTokens()).isEqualTo(32);
    assertThat(cache.usedTokens()).isEqualTo(64);
    cache.release(other);
    int[] divergesInsideABlock = concat(tokens(0, 20), tokens(3000, 30));
    assertThat(cache.peekCachedTokens(divergesInsideABlock)).isEqualTo(16);
  }

  @Test
  void evictsTheLeastRecentlyUsedUnpinnedBlock() {
    KvCache cache = new KvCache(48, 16);
    int[] a = tokens(0, 17);
    int[] b = tokens(100, 17);
    int[] c = tokens(200, 17);
    cache.release(cache.acquire(a));
    cache.release(cache.acquire(b));
    cache.release(cache.acquire(c));
    cache.release(cache.acquire(a)); // a is now the most recent
    cache.release(cache.acquire(tokens(300, 17)));
    assertThat(cache.usedTokens()).isEqualTo(48);
    assertThat(cache.peekCachedTokens(a)).isEqualTo(16);
    assertThat(cache.peekCachedTokens(b)).isZero();
    assertThat(cache.peekCachedTokens(c)).isEqualTo(16);
  }

  @Test
  void pinnedBlocksAreNeverEvicted() {
    KvCache cache = new KvCache(32, 16);
    int[] running = tokens(0, 33);
    KvCache.Lease pinned = cache.acquire(running);
    assertThat(cache.pinnedTokens()).isEqualTo(32);

    KvCache.Lease starved = cache.acquire(tokens(500, 17));
    assertThat(starved.blockCount()).isZero();
    assertThat(cache.peekCachedTokens(running)).isEqualTo(32);
    cache.release(starved);

    cache.release(pinned);
    assertThat(cache.pinnedTokens()).isZero();
    KvCache.Lease next = cache.acquire(tokens(500, 17));
    assertThat(next.blockCount()).isEqualTo(1);
    assertThat(cache.peekCachedTokens(running)).isEqualTo(16);
    cache.release(next);
  }

  @Test
  void evictsLeavesBeforeTheirPrefix() {
    KvCache cache = new KvCache(48, 16);
    int[] chain = tokens(0, 49);
    cache.release(cache.acquire(chain));
    assertThat(cache.usedTokens()).isEqualTo(48);
    cache.release(cache.acquire(tokens(900, 17)));
    assertThat(cache.peekCachedTokens(chain)).isEqualTo(32);
  }

  @Test
  void outputIsCachedWhenTheLeaseIsExtended() {
    KvCache cache = new KvCache(1024, 16);
    int[] prompt = tokens(0, 20);
    int[] answered = concat(prompt, tokens(500, 12));
    KvCache.Lease lease = cache.acquire(prompt);
    cache.extend(lease, answered);
    cache.release(lease);
    assertThat(cache.peekCachedTokens(concat(answered, tokens(800, 5)))).isEqualTo(32);
  }

  @Test
  void clearDropsUnpinnedBlocksOnly() {
    KvCache cache = new KvCache(1024, 16);
    cache.release(cache.acquire(tokens(0, 40)));
    KvCache.Lease pinned = cache.acquire(tokens(100, 17));
    cache.clear();
    assertThat(cache.usedTokens()).isEqualTo(16);
    assertThat(cache.peekCachedTokens(tokens(0, 40))).isZero();
    cache.release(pinned);
    cache.clear();
    assertThat(cache.usedTokens()).isZero();
  }

  @Test
  void aZeroCapacityCacheCachesNothing() {
    KvCache cache = new KvCache(0, 16);
    KvCache.Lease lease = cache.acquire(tokens(0, 100));
    assertThat(lease.cachedTokens()).isZero();
    cache.release(lease);
    assertThat(cache.acquire(tokens(0, 100)).cachedTokens()).isZero();
  }

  @Test
  void fitsCountsOnlyCapacityNotPinnedByRunningRequests() {
    KvCache cache = new KvCache(64, 16);
    KvCache.Lease running = cache.acquire(tokens(0, 33));
    assertThat(cache.fits(tokens(500, 48))).isFalse();
    assertThat(cache.fits(tokens(500, 32))).isTrue();
    assertThat(cache.fits(concat(tokens(0, 32), tokens(700, 32)))).isTrue();
    cache.release(running);
    assertThat(cache.fits(tokens(500, 64))).isTrue();
    assertThat(cache.fits(tokens(500, 80))).isFalse();
  }
}
