package dev.switchboard.gateway.kv;

import dev.switchboard.gateway.worker.KvEventsSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * One worker's KV-event subscription, on a thread of its own (never an event loop): a ZeroMQ SUB socket on the
 * worker's endpoint, messages {@code [topic, seq, payload]} decoded and applied to the worker's part of the index.
 *
 * <p>Sequence numbers are checked: a gap is asked of the replay socket (a DEALER sending the 8-byte start sequence,
 * receiving {@code [seq, payload]} frames until the {@code -1} end marker) and applied when it is complete; otherwise,
 * or without a replay endpoint, the worker's entries are reset and the index relearns from the next events. A
 * sequence that goes backwards means the engine restarted (its cache is empty): reset. ZeroMQ reconnects by itself
 * when the worker goes away and comes back; a socket monitor tells when the connection was lost, and then the
 * worker's entries are reset as well (a restarted engine's sequence may not go backwards far enough to tell). The
 * first message after the start or a reconnect asks for the replay from 0, to learn what the worker cached before.
 */
final class KvSubscriber implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvSubscriber.class);
  private static final int POLL_MS = 100;
  private static final int REPLAY_TIMEOUT_MS = 3_000;

  /** Counters of one subscription, for metrics and tests. */
  static final class Stats {
    final AtomicLong messages = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong resets = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
  }

  private final ZContext zmq;
  private final KvEventsSpec spec;
  private final KvIndex.WorkerBlocks blocks;
  private final Thread thread;
  private final Stats stats = new Stats();
  private volatile boolean running = true;
  private long last = -1;
  /** After the catch-up replay: live messages up to here were already applied from it. */
  private long caughtUpTo = -1;
  private volatile boolean synced;

  KvSubscriber(ZContext zmq, KvEventsSpec spec, KvIndex.WorkerBlocks blocks) {
    this.zmq = zmq;
    this.spec = spec;
    this.blocks = blocks;
    this.thread = Thread.ofPlatform().daemon().name("kv-events-" + blocks.worker().id()).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  KvEventsSpec spec() { return spec; }

  Stats stats() { return stats; }

  private void run() {
    ZMQ.Socket sub = zmq.createSocket(SocketType.SUB);
    ZMQ.Socket monitor = zmq.createSocket(SocketType.PAIR);
    ZMQ.Socket replay = null;
    ZMQ.Poller poller = zmq.createPoller(2);
    try {
      sub.setReconnectIVL(100);
      sub.setReconnectIVLMax(5_000);
      sub.setRcvHWM(100_000);
      String monitorAddress = "inproc://kv-monitor-" + System.identityHashCode(this);
      sub.monitor(monitorAddress, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
      monitor.connect(monitorAddress);
      sub.subscribe(spec.topic().getBytes(StandardCharsets.UTF_8));
      sub.connect(spec.endpoint());
      poller.register(sub, ZMQ.Poller.POLLIN);
      poller.register(monitor, ZMQ.Poller.POLLIN);
      if (spec.replayEndpoint() != null) replay = catchUp(replay); // what the worker cached before we listened
      synced = true;
      boolean lost = false;
      while (running) {
        poller.poll(POLL_MS);
        if (poller.pollin(1)) {
          ZMQ.Event event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT);
          if (event != null && event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
            lost = true;
          } else if (event != null && event.getEvent() == ZMQ.EVENT_CONNECTED && lost) {
            lost = false;
            log.info("KV events of {}: reconnected; its entries are reset and relearnt", blocks.worker().url());
            reset();
            last = -1;
          }
        }
        if (!poller.pollin(0)) continue;
        byte[] topic = sub.recv(ZMQ.DONTWAIT);
        if (topic == null) continue;
        List<byte[]> rest = new ArrayList<>(2);
        while (sub.hasReceiveMore()) rest.add(sub.recv());
        if (rest.size() != 2 || rest.get(0).length != 8) {
          stats.malformed.incrementAndGet();
          continue;
        }
        long seq = ByteBuffer.wrap(rest.get(0)).getLong();
        if (caughtUpTo >= 0) {
          if (seq <= caughtUpTo) continue; // already applied from the catch-up replay
          caughtUpTo = -1;
        }
        if (last < 0) {
          if (seq > 0 && spec.replayEndpoint() != null) replay = replay(replay, 0, seq, true);
        } else if (seq <= last) {
          log.info("KV events of {}: sequence went back from {} to {} (engine restarted): its entries are reset",
              blocks.worker().url(), last, seq);
          reset();
        } else if (seq > last + 1) {
          stats.gaps.incrementAndGet();
          if (spec.replayEndpoint() == null) {
            reset();
          } else {
            replay = replay(replay, last + 1, seq, false);
          }
        }
        apply(rest.get(1));
        last = seq;
        stats.messages.incrementAndGet();
      }
    } catch (org.zeromq.ZMQException | IllegalStateException e) {
      if (running) log.warn("KV-event subscription to {} failed: {}", spec.endpoint(), e.toString());
    } finally {
      poller.close();
      zmq.destroySocket(sub);
      zmq.destroySocket(monitor);
      if (replay != null) zmq.destroySocket(replay);
    }
  }

  /**
   * Asks the replay socket for everything it buffers and applies it, so a new subscriber starts from the worker's
   * recent history rather than from nothing; live messages that arrived meanwhile wait in the SUB socket.
   */
  private ZMQ.Socket catchUp(ZMQ.Socket socket) {
    socket = zmq.createSocket(SocketType.DEALER);
    socket.setReceiveTimeOut(REPLAY_TIMEOUT_MS);
    socket.setLinger(0);
    socket.connect(spec.replayEndpoint());
    socket.sendMore(new byte[0]);
    socket.send(ByteBuffer.allocate(8).putLong(0).array());
    long highest = -1;
    long applied = 0;
    while (running) {
      byte[] first = socket.recv();
      if (first == null) { // no answer: fall back to replaying on the first live message
        zmq.destroySocket(socket);
        return null;
      }
      List<byte[]> frames = new ArrayList<>(3);
      frames.add(first);
      while (socket.hasReceiveMore()) frames.add(socket.recv());
      if (frames.size() != 3 || frames.get(1).length != 8) continue;
      long seq = ByteBuffer.wrap(frames.get(1)).getLong();
      if (seq == -1) break;
      if (seq <= highest) continue;
      apply(frames.get(2));
      highest = seq;
      applied++;
    }
    stats.replayed.addAndGet(applied);
    if (highest >= 0) {
      last = highest;
      caughtUpTo = highest;
    }
    return socket;
  }

  /** Whether the first catch-up (or its attempt) is done. */
  boolean synced() { return synced; }

  /**
   * Asks for messages {@code [from, until)} and applies them. Returns the replay socket to keep (a fresh one after
   * a failure, so late answers cannot be mistaken for the next replay's). {@code fresh}: the gateway knows nothing
   * of this worker yet, so a replay that cannot reach back to {@code from} is applied as far as it goes.
   */
  private ZMQ.Socket replay(ZMQ.Socket socket, long from, long until, boolean fresh) {
    if (socket == null) {
      socket = zmq.createSocket(SocketType.DEALER);
      socket.setReceiveTimeOut(REPLAY_TIMEOUT_MS);
      socket.setLinger(0);
      socket.connect(spec.replayEndpoint());
    }
    socket.sendMore(new byte[0]);
    socket.send(ByteBuffer.allocate(8).putLong(from).array());
    List<byte[]> payloads = new ArrayList<>();
    long expected = -1;
    long firstSeq = -1;
    boolean complete = false;
    boolean contiguous = true;
    while (true) {
      byte[] first = socket.recv();
      if (first == null) break; // timed out
      List<byte[]> frames = new ArrayList<>(3);
      frames.add(first);
      while (socket.hasReceiveMore()) frames.add(socket.recv());
      if (frames.size() != 3 || frames.get(1).length != 8) continue;
      long seq = ByteBuffer.wrap(frames.get(1)).getLong();
      if (seq == -1) {
        complete = true;
        break;
      }
      if (seq >= until || seq < from) continue; // the live socket delivers the later ones
      if (firstSeq < 0) {
        firstSeq = seq;
      } else if (seq != expected) {
        contiguous = false;
      }
      expected = seq + 1;
      payloads.add(frames.get(2));
    }
    // fresh: messages older than the replay buffer only stored or removed blocks this gateway never knew of
    boolean recovered = complete && contiguous && (until == from || expected == until) && (fresh || firstSeq == from);
    if (recovered) {
      for (byte[] p : payloads) apply(p);
      stats.replayed.addAndGet(payloads.size());
    }
    if (!recovered) {
      if (fresh) {
        log.info("KV events of {}: the replay of messages before {} is incomplete: what the worker cached earlier is unknown",
            blocks.worker().url(), until);
      } else {
        log.info("KV events of {}: messages {}..{} are lost (replay {}): its entries are reset", blocks.worker().url(),
            from, until - 1, complete ? "incomplete" : "timed out");
        reset();
      }
      zmq.destroySocket(socket);
      return null;
    }
    return socket;
  }

  private void apply(byte[] payload) {
    List<KvEvent> events;
    try {
      events = KvEventDecoder.decode(payload);
    } catch (IOException e) {
      stats.malformed.incrementAndGet();
      log.warn("KV events of {}: undecodable batch ({}): its entries are reset", blocks.worker().url(), e.getMessage());
      reset();
      return;
    }
    for (KvEvent e : events) blocks.apply(e);
  }

  private void reset() {
    stats.resets.incrementAndGet();
    blocks.reset();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
