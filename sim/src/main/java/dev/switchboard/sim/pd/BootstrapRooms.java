package dev.switchboard.sim.pd;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bootstrap rooms a prefill worker has seen, and decode-side waiters for rooms not seen yet. Confined to the
 * prefill worker's context; {@link #register} may be called from any thread.
 */
public final class BootstrapRooms {

  /** Rooms remembered; older ones are forgotten (a decode asks within seconds of the prefill's request). */
  static final int CAPACITY = 1 << 18;

  private final Vertx vertx;
  private final Context context;
  private final LinkedHashMap<Long, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
      return size() > CAPACITY;
    }
  };
  private final Map<Long, List<Promise<Boolean>>> waiters = new HashMap<>();
  private volatile long registered;

  public BootstrapRooms(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  /** Records rooms as seen and wakes their waiters. Thread-safe. */
  public void register(List<Long> rooms) {
    context.runOnContext(v -> {
      for (Long room : rooms) {
        seen.put(room, Boolean.TRUE);
        registered++;
        List<Promise<Boolean>> waiting = waiters.remove(room);
        if (waiting != null) {
          waiting.forEach(p -> p.tryComplete(true));
        }
      }
    });
  }

  /** Rooms registered so far (including forgotten ones). */
  public long registered() {
    return registered;
  }

  /** Completes with true as soon as the room is seen, or false after {@code waitMillis}. On the context. */
  Future<Boolean> await(long room, long waitMillis) {
    if (seen.containsKey(room)) {
      return Future.succeededFuture(true);
    }
    if (waitMillis <= 0) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> promise = Promise.promise();
    waiters.computeIfAbsent(room, r -> new ArrayList<>(1)).add(promise);
    long timer = vertx.setTimer(waitMillis, t -> {
      List<Promise<Boolean>> waiting = waiters.get(room);
      if (waiting != null) {
        waiting.remove(promise);
        if (waiting.isEmpty()) {
          waiters.remove(room);
        }
      }
      promise.tryComplete(false);
    });
    return promise.future().onComplete(r -> vertx.cancelTimer(timer));
  }
}
