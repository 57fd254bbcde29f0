package dev.switchboard.sim.kv;

import dev.switchboard.sim.cache.KvCache;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A simulated engine's KV-event publisher: the cache's stored/removed/cleared blocks become msgpack
 * {@code KVEventBatch}es sent on a ZeroMQ PUB socket as {@code [topic, seq (8 bytes big-endian), payload]}, and a
 * ROUTER socket answers a replay request (8-byte start sequence) with the buffered messages from there, each as
 * {@code [seq, payload]}, then the end marker {@code [-1, empty]}.
 *
 * <p>The cache calls the listener on its own thread; one publisher thread owns both sockets (ZeroMQ sockets are not
 * thread-safe) and batches whatever events have queued up into one message.
 */
public final class KvEventPublisher implements KvCache.Listener, AutoCloseable {
  private static final byte[] END_OF_REPLAY = ByteBuffer.allocate(8).putLong(-1).array();
  private static final int MAX_EVENTS_PER_BATCH = 512;

  private final KvEventsOptions options;
  private final KvEventEncoder encoder;
  private final byte[] topic;
  private final LinkedBlockingQueue<KvEventEncoder.Event> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<byte[][]> replayBuffer = new ArrayDeque<>();
  private final ZContext zmq = new ZContext(1);
  private final Thread thread;
  private final CountDownLatch bound = new CountDownLatch(1);
  private final AtomicInteger dropNext = new AtomicInteger();
  private final AtomicLong published = new AtomicLong();
  private volatile boolean dropFromReplayToo;
  private volatile boolean running = true;
  private volatile int port;
  private volatile int replayPort = -1;
  private volatile RuntimeException bindFailure;
  private long seq;

  private KvEventPublisher(KvEventsOptions options, int blockSize) {
    this.options = options;
    this.encoder = new KvEventEncoder(options.dialect(), blockSize);
    this.topic = options.topic().getBytes(StandardCharsets.UTF_8);
    this.thread = Thread.ofPlatform().name("sim-kv-events").daemon().unstarted(this::run);
  }

  /** Binds the sockets and starts publishing; blocks until bound. */
  public static KvEventPublisher start(KvEventsOptions options, int blockSize) {
    KvEventPublisher p = new KvEventPublisher(options, blockSize);
    p.thread.start();
    try {
      if (!p.bound.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("KV-event sockets did not bind in 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (p.bindFailure != null) {
      p.close();
      throw p.bindFailure;
    }
    return p;
  }

  public KvEventsOptions options() { return options; }

  /** {@code tcp://host:port} of the PUB socket. */
  public String endpoint() { return "tcp://" + options.host() + ":" + port; }

  /** {@code tcp://host:port} of the replay socket, or {@code null} without one. */
  public String replayEndpoint() { return replayPort < 0 ? null : "tcp://" + options.host() + ":" + replayPort; }

  public int port() { return port; }

  /** Messages handed to the PUB socket (dropped ones excluded). */
  public long published() { return published.get(); }

  /**
   * Fault switch: the next {@code count} messages get their sequence numbers but are not sent, so a subscriber sees a
   * gap. With {@code alsoFromReplay} they are missing from the replay buffer too, so the gap cannot be recovered.
   */
  public void dropNext(int count, boolean alsoFromReplay) {
    dropFromReplayToo = alsoFromReplay;
    dropNext.set(count);
  }

  /** Messages the fault switch will still drop. */
  public int dropsPending() {
    return dropNext.get();
  }

  @Override
  public void stored(long key, long parentKey, int[] tokens) {
    queue.add(new KvEventEncoder.Stored(new long[] {key}, parentKey, tokens));
  }

  @Override
  public void removed(long key) {
    queue.add(new KvEventEncoder.Removed(key));
  }

  @Override
  public void cleared() {
    queue.add(new KvEventEncoder.Cleared());
  }

  private void run() {
    ZMQ.Socket pub;
    ZMQ.Socket replay = null;
    try {
      pub = zmq.createSocket(SocketType.PUB);
      pub.setSndHWM(100_000);
      port = bind(pub, options.port());
      if (options.replayPort() >= 0) {
        replay = zmq.createSocket(SocketType.ROUTER);
        replayPort = bind(replay, options.replayPort());
      }
    } catch (RuntimeException e) {
      bindFailure = new IllegalStateException("cannot bind KV-event sockets on " + options.host() + ": " + e.getMessage(), e);
      bound.countDown();
      return;
    }
    bound.countDown();
    List<KvEventEncoder.Event> batch = new ArrayList<>();
    while (running && !Thread.currentThread().isInterrupted()) {
      try {
        KvEventEncoder.Event first = queue.poll(5, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, MAX_EVENTS_PER_BATCH - 1);
          publish(pub, options.dialect() == KvDialect.VLLM ? coalesce(batch) : batch);
          batch.clear();
        }
        if (replay != null) serveReplays(replay);
      } catch (InterruptedException e) {
        break;
      } catch (org.zeromq.ZMQException e) {
        if (!running) break;
        throw e;
      }
    }
  }

  private int bind(ZMQ.Socket socket, int requested) {
    String host = options.host();
    if (requested == 0) return socket.bindToRandomPort("tcp://" + host);
    socket.bind("tcp://" + host + ":" + requested);
    return requested;
  }

  /** vLLM sends a request's new chain of blocks as one event: merge consecutive stores that continue each other. */
  private static List<KvEventEncoder.Event> coalesce(List<KvEventEncoder.Event> events) {
    List<KvEventEncoder.Event> out = new ArrayList<>(events.size());
    for (KvEventEncoder.Event e : events) {
      if (e instanceof KvEventEncoder.Stored s && !out.isEmpty() && out.getLast() instanceof KvEventEncoder.Stored prev
          && prev.keys()[prev.keys().length - 1] == s.parentKey()) {
        long[] keys = Arrays.copyOf(prev.keys(), prev.keys().length + 1);
        keys[keys.length - 1] = s.keys()[0];
        int[] tokens = Arrays.copyOf(prev.tokens(), prev.tokens().length + s.tokens().length);
        System.arraycopy(s.tokens(), 0, tokens, prev.tokens().length, s.tokens().length);
        out.set(out.size() - 1, new KvEventEncoder.Stored(keys, prev.parentKey(), tokens));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  private void publish(ZMQ.Socket pub, List<KvEventEncoder.Event> events) {
    byte[] payload = encoder.batch(System.currentTimeMillis() / 1000.0, events);
    byte[] seqBytes = ByteBuffer.allocate(8).putLong(seq++).array();
    boolean drop = dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    if (!(drop && dropFromReplayToo)) {
      replayBuffer.addLast(new byte[][] {seqBytes, payload});
      if (replayBuffer.size() > options.replayBuffer()) replayBuffer.pollFirst();
    }
    if (drop) return;
    pub.sendMore(topic);
    pub.sendMore(seqBytes);
    pub.send(payload);
    published.incrementAndGet();
  }

  /** Answers every pending replay request: [identity, "", start] → [identity, "", seq, payload]... [identity, "", -1, ""]. */
  private void serveReplays(ZMQ.Socket replay) {
    byte[] identity;
    while ((identity = replay.recv(ZMQ.DONTWAIT)) != null) {
      List<byte[]> frames = new ArrayList<>();
      while (replay.hasReceiveMore()) frames.add(replay.recv());
      byte[] start = frames.isEmpty() ? null : frames.getLast();
      if (start == null || start.length != 8) continue;
      long from = ByteBuffer.wrap(start).getLong();
      for (byte[][] message : replayBuffer) {
        if (ByteBuffer.wrap(message[0]).getLong() < from) continue;
        replay.sendMore(identity);
        replay.sendMore(new byte[0]);
        replay.sendMore(message[0]);
        replay.send(message[1]);
      }
      replay.sendMore(identity);
      replay.sendMore(new byte[0]);
      replay.sendMore(END_OF_REPLAY);
      replay.send(new byte[0]);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    zmq.close();
  }
}
