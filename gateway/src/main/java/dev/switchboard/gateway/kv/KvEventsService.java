package dev.switchboard.gateway.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.policy.PrefixCacheView;
import dev.switchboard.gateway.policy.PromptEncoder;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.KvEventsSpec;
import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * The gateway's KV-event side: one {@link KvSubscriber} per worker that publishes, feeding one {@link KvIndex}.
 * A worker's endpoints come from its spec ({@code kv_events} in the deployment file or the worker API), else from its
 * {@code /get_server_info} when that reports a {@code kv_events_config} (SGLang's server arguments; asked again every
 * {@value #DISCOVERY_RETRY_SECS} s until the worker answers). A removed worker's subscription ends and its entries
 * are dropped. This is the {@link PrefixCacheView} {@code kv_aware} reads.
 */
public final class KvEventsService implements WorkerRegistry.Listener, PrefixCacheView, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvEventsService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int DISCOVERY_RETRY_SECS = 5;
  /** Default bound of the index: 8 M entries, about 1 GB at the measured cost per entry (docs/ROUTING-QUALITY.md). */
  public static final long DEFAULT_MAX_ENTRIES = 8_000_000;

  private final KvIndex index;
  private final PromptEncoder prompts;
  private final Function<Worker, CompletionStage<byte[]>> serverInfo;
  private final java.util.function.Predicate<Worker> wanted;
  private final ZContext zmq = new ZContext(1);
  private final Map<Worker, KvSubscriber> subscribers = new ConcurrentHashMap<>();
  private final Map<Worker, Boolean> registered = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("kv-events-discovery").factory());
  private volatile boolean closed;

  /**
   * @param serverInfo GET {@code /get_server_info} of an HTTP worker (fails with the status when there is one)
   * @param wanted whether a worker's pool reads KV events (its policy is {@code kv_aware}); others are left alone
   */
  public KvEventsService(KvIndex index, PromptEncoder prompts, Function<Worker, CompletionStage<byte[]>> serverInfo,
      java.util.function.Predicate<Worker> wanted) {
    this.index = index;
    this.prompts = prompts;
    this.serverInfo = serverInfo;
    this.wanted = wanted;
  }

  public KvIndex index() { return index; }

  /** Subscribes to the workers already registered and follows the registry from now on. */
  public void start(WorkerRegistry registry) {
    registry.addListener(this);
    workersChanged(registry.snapshot(), registry.snapshot().all(), List.of());
  }

  @Override
  public synchronized void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    for (Worker w : removed) {
      registered.remove(w);
      KvSubscriber s = subscribers.remove(w);
      if (s != null) s.close();
      index.detach(w);
    }
    for (Worker w : added) {
      if (subscribers.containsKey(w) || !wanted.test(w)) continue;
      registered.put(w, Boolean.TRUE);
      KvEventsSpec spec = w.spec().kvEvents();
      if (spec != null) {
        subscribe(w, spec);
      } else if (w.connection() == ConnectionMode.HTTP) {
        discover(w);
      }
    }
  }

  private void discover(Worker w) {
    if (closed) return;
    serverInfo.apply(w).whenComplete((body, err) -> {
      if (closed || !isRegistered(w)) return;
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof LoadPoller.StatusFailure s && (s.status() == 404 || s.status() == 501)) return; // no such endpoint
        timer.schedule(() -> discover(w), DISCOVERY_RETRY_SECS, TimeUnit.SECONDS);
        return;
      }
      KvEventsSpec spec = parseServerInfo(body, w.host());
      if (spec != null) {
        log.info("worker {} publishes KV events at {} (from its /get_server_info)", w.url(), spec.endpoint());
        subscribe(w, spec);
      }
    });
  }

  private boolean isRegistered(Worker w) {
    return !closed && registered.containsKey(w);
  }

  private synchronized void subscribe(Worker w, KvEventsSpec spec) {
    if (closed || subscribers.containsKey(w) || !registered.containsKey(w)) return;
    KvSubscriber s = new KvSubscriber(zmq, spec, index.attach(w));
    subscribers.put(w, s);
    s.start();
  }

  /**
   * The KV-events endpoints a {@code /get_server_info} body reports in {@code kv_events_config} (a JSON string, as
   * SGLang's server arguments hold it, or an object), with a bind-all host replaced by the worker's; {@code null}
   * when it reports none or a publisher other than ZeroMQ.
   */
  static KvEventsSpec parseServerInfo(byte[] body, String workerHost) {
    try {
      JsonNode config = JSON.readTree(body).get("kv_events_config");
      if (config != null && config.isTextual()) config = config.textValue().isBlank() ? null : JSON.readTree(config.textValue());
      if (config == null || !config.isObject()) return null;
      String publisher = config.path("publisher").asText("zmq");
      if (!publisher.equals("zmq") || !config.hasNonNull("endpoint")) return null;
      String endpoint = withHost(config.get("endpoint").asText(), workerHost);
      String replay = config.hasNonNull("replay_endpoint") ? withHost(config.get("replay_endpoint").asText(), workerHost) : null;
      if (KvEventsSpec.problemWith(endpoint) != null || (replay != null && KvEventsSpec.problemWith(replay) != null)) return null;
      return new KvEventsSpec(endpoint, replay, config.path("topic").asText(""));
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static String withHost(String endpoint, String host) {
    if (!endpoint.startsWith("tcp://")) return endpoint;
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    if (colon < 0) return endpoint;
    String h = rest.substring(0, colon);
    boolean any = h.equals("*") || h.equals("0.0.0.0") || h.equals("[::]") || h.equals("::");
    return any ? "tcp://" + host + rest.substring(colon) : endpoint;
  }

  /** The subscription's counters, or {@code null} when the worker publishes nothing this gateway receives. */
  KvSubscriber.Stats stats(Worker w) {
    KvSubscriber s = subscribers.get(w);
    return s == null ? null : s.stats();
  }

  /** Whether the gateway subscribes to this worker's events and has caught up with what its replay socket holds. */
  public boolean synced(Worker w) {
    KvSubscriber s = subscribers.get(w);
    return s != null && s.synced();
  }

  /** Whether the gateway subscribes to this worker's events. */
  public boolean subscribed(Worker w) {
    return subscribers.containsKey(w);
  }

  @Override
  public boolean publishes(Worker w) {
    KvIndex.WorkerBlocks b = index.blocks(w);
    return b != null && b.blockSize() > 0;
  }

  @Override
  public int blockSize(Worker w) {
    KvIndex.WorkerBlocks b = index.blocks(w);
    return b == null ? 0 : b.blockSize();
  }

  @Override
  public int[] cachedBlocks(int[] ids, List<Worker> workers) {
    return index.cachedBlocks(ids, workers);
  }

  @Override
  public long[] blockKeys(int[] ids, int blockSize) {
    return BlockChain.keys(ids, blockSize, null);
  }

  @Override
  public boolean holds(Worker w, long key) {
    return index.holds(w, key);
  }

  @Override
  public PromptEncoder prompts() { return prompts; }

  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    subscribers.values().forEach(KvSubscriber::close);
    subscribers.clear();
    zmq.close();
  }
}
