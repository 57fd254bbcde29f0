package dev.switchboard.gateway.policy.radix;

import java.lang.ref.WeakReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trims every cache-aware tree to its per-worker budget on its interval, on one shared daemon thread (never on an
 * event loop). A tree is held weakly: once its policy is dropped, its task cancels itself.
 */
final class TreeEvictor {
  private static final Logger log = LoggerFactory.getLogger(TreeEvictor.class);
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "switchboard-radix-evictor");
    t.setDaemon(true);
    return t;
  });

  private TreeEvictor() {}

  static void schedule(RadixTree<?> tree, long intervalSecs, long maxChars) {
    WeakReference<RadixTree<?>> ref = new WeakReference<>(tree);
    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
    self.set(TIMER.scheduleWithFixedDelay(() -> {
      RadixTree<?> t = ref.get();
      if (t == null) {
        ScheduledFuture<?> f = self.get();
        if (f != null) f.cancel(false);
        return;
      }
      try {
        long evicted = t.evict(maxChars);
        if (evicted > 0) log.debug("evicted {} characters from a cache-aware tree", evicted);
      } catch (RuntimeException e) {
        log.warn("cache-aware tree eviction failed", e);
      }
    }, intervalSecs, intervalSecs, TimeUnit.SECONDS));
  }
}
