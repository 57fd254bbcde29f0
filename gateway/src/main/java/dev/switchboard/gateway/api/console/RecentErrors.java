package dev.switchboard.gateway.api.console;

import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@value #CAPACITY} failed attempts, from attempt reports. Lock-free: each error takes the next sequence
 * number and overwrites the oldest slot; readers ask for everything after the last sequence number they saw.
 */
public final class RecentErrors implements AttemptListener {
  static final int CAPACITY = 64;

  /**
   * One failed attempt.
   *
   * @param seq increasing from 1; a reader keeps the highest it has seen
   * @param atMillis wall-clock time the gateway recorded it
   */
  public record Entry(long seq, long atMillis, int status, String model, String workerId, String workerUrl,
      String router, String message) {
    /** The entry as the console's JSON shows it. */
    com.fasterxml.jackson.databind.node.ObjectNode writeTo(com.fasterxml.jackson.databind.node.ObjectNode n) {
      return n.put("seq", seq).put("at", atMillis).put("status", status).put("model", model).put("worker", workerId)
          .put("url", workerUrl).put("router", router).put("message", message);
    }
  }

  private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
  private final AtomicLong lastSeq = new AtomicLong();

  @Override
  public void attemptEnded(AttemptReport r) {
    if (r.kind() == Kind.SUCCEEDED || r.kind() == Kind.CANCELLED) return;
    long seq = lastSeq.incrementAndGet();
    ring.set((int) (seq % CAPACITY), new Entry(seq, System.currentTimeMillis(), r.status(), r.worker().model(),
        r.worker().id(), r.worker().url(), r.router(), message(r)));
  }

  /** The highest sequence number so far (0 before the first error). */
  public long lastSeq() {
    return lastSeq.get();
  }

  /** Errors after {@code seq} that are still kept, oldest first. */
  public List<Entry> after(long seq) {
    long last = lastSeq.get();
    List<Entry> out = new ArrayList<>();
    for (long s = Math.max(seq + 1, last - CAPACITY + 1); s <= last; s++) {
      Entry e = ring.get((int) (s % CAPACITY));
      if (e != null && e.seq() == s) out.add(e); // a slot being rewritten by a newer error is skipped
    }
    return out;
  }

  static String message(AttemptReport r) {
    String when = r.kind() == Kind.FAILED_AFTER_BYTES ? " after bytes reached the client" : "";
    return switch (r.cause()) {
      case STATUS -> "worker answered " + r.status() + when;
      case UNREACHABLE -> "worker unreachable" + when;
      case TIMEOUT -> "deadline expired" + when;
      case BROKEN -> "answer broke off" + when;
      case PROTOCOL -> "worker answered something unusable" + when;
      case NONE -> "failed" + when;
    };
  }
}
