package dev.switchboard.gateway.api.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The console's server-sent-event stream. A new subscriber gets {@code event: snapshot} (every entry and the kept
 * errors), then {@code event: patch} carrying only what changed: entries set, entries deleted, new errors. The
 * picture is recomputed once a second while someone listens, and at once when the registry reports a change
 * (membership, health), so a worker going down shows within milliseconds of the gateway noticing.
 *
 * <p>All diffing runs on one Vert.x context (no locks); each subscriber's writes run on its own connection's
 * context. A subscriber that cannot keep up is closed: its browser reconnects and gets a fresh snapshot.
 */
final class ConsoleEvents {
  static final long TICK_MILLIS = 1000;
  private static final long KEEPALIVE_MILLIS = 15_000;

  private record Subscriber(Context context, HttpServerResponse response) {}

  private final Vertx vertx;
  private final Context context;
  private final ConsoleView view;
  private final RecentErrors errors;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean publishQueued = new AtomicBoolean();
  /** The entries (as JSON text) every subscriber has been sent; touched only on {@link #context}. */
  private Map<String, String> sent = Map.of();
  private Map<String, ObjectNode> sentNodes = Map.of();
  private long errorsSent;
  private long lastWriteMillis;
  private long timer = -1;

  ConsoleEvents(Vertx vertx, ConsoleView view, RecentErrors errors) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.view = view;
    this.errors = errors;
  }

  /** Takes over a request's response as an event stream. Call on the request's context. */
  void subscribe(HttpServerResponse response) {
    Context own = vertx.getOrCreateContext();
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("x-accel-buffering", "no");
    response.write(": switchboard console\n\n");
    Subscriber s = new Subscriber(own, response);
    response.closeHandler(v -> subscribers.remove(s));
    context.runOnContext(v -> {
      if (response.closed()) return;
      publish(); // brings `sent` up to date, so the snapshot and the patches after it agree
      ObjectNode snap = RequestFacts.JSON.createObjectNode();
      ObjectNode entries = snap.putObject("entries");
      sentNodes.forEach(entries::set);
      long upTo = errorsSent;
      putErrors(snap, errors.after(0).stream().filter(e -> e.seq() <= upTo).toList());
      send(s, "snapshot", snap.toString());
      subscribers.add(s);
      if (timer < 0) timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    });
  }

  /** Asks for a publish soon, from any thread; repeated asks before it runs collapse into one. */
  void changed() {
    if (publishQueued.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        publishQueued.set(false);
        if (!subscribers.isEmpty()) publish();
      });
    }
  }

  private void tick() {
    if (subscribers.isEmpty()) {
      vertx.cancelTimer(timer);
      timer = -1;
      return;
    }
    publish();
    if (System.currentTimeMillis() - lastWriteMillis > KEEPALIVE_MILLIS) {
      for (Subscriber s : subscribers) write(s, ": keep-alive\n\n");
      lastWriteMillis = System.currentTimeMillis();
    }
  }

  /** Computes the picture, sends what differs from what was sent. Runs on {@link #context}. */
  private void publish() {
    Map<String, ObjectNode> now = view.entries();
    Map<String, String> next = new HashMap<>(now.size() * 2);
    ObjectNode patch = RequestFacts.JSON.createObjectNode();
    ObjectNode set = patch.putObject("set");
    ArrayNode order = patch.putArray("order");
    boolean changed = false;
    for (Map.Entry<String, ObjectNode> e : now.entrySet()) {
      String json = e.getValue().toString();
      next.put(e.getKey(), json);
      order.add(e.getKey());
      if (!json.equals(sent.get(e.getKey()))) {
        set.set(e.getKey(), e.getValue());
        changed = true;
      }
    }
    ArrayNode deleted = patch.putArray("deleted");
    for (String k : sent.keySet()) {
      if (!next.containsKey(k)) {
        deleted.add(k);
        changed = true;
      }
    }
    List<RecentErrors.Entry> fresh = errors.after(errorsSent);
    if (!fresh.isEmpty()) changed = true;
    putErrors(patch, fresh);
    boolean sameKeys = sent.keySet().equals(next.keySet());
    sent = next;
    sentNodes = now;
    if (!changed) return;
    if (sameKeys) patch.remove("order"); // the order only travels when entries came or went
    String data = patch.toString();
    for (Subscriber s : subscribers) send(s, "patch", data);
  }

  private void putErrors(ObjectNode target, List<RecentErrors.Entry> list) {
    ArrayNode out = target.putArray("errors");
    for (RecentErrors.Entry e : list) {
      e.writeTo(out.addObject());
      errorsSent = Math.max(errorsSent, e.seq());
    }
  }

  private void send(Subscriber s, String event, String data) {
    write(s, "event: " + event + "\ndata: " + data + "\n\n");
    lastWriteMillis = System.currentTimeMillis();
  }

  private void write(Subscriber s, String text) {
    s.context().runOnContext(v -> {
      HttpServerResponse r = s.response();
      if (r.closed() || r.ended()) {
        subscribers.remove(s);
      } else if (r.writeQueueFull()) {
        subscribers.remove(s);
        r.reset(); // too slow: the browser reconnects and starts from a snapshot
      } else {
        r.write(text);
      }
    });
  }
}
