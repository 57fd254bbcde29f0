package dev.switchboard.gateway.discovery;

import dev.switchboard.gateway.config.KubernetesDiscoverySettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in step with the worker pods of a Kubernetes cluster. Pods are watched (a fabric8 informer
 * per namespace: list, then watch, re-listed every {@code resync}); every burst of events is gathered for
 * {@code debounce} and then the whole picture is reconciled: a Running and Ready pod that matches a selector is a
 * worker ({@code http://<podIP>:<port>}); a pod that is gone, no longer ready or no longer matches is drained and
 * removed. Only workers this class added are ever removed by it.
 */
public final class KubernetesDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesDiscovery.class);

  private final KubernetesClient client;
  private final KubernetesDiscoverySettings settings;
  private final WorkerRegistry registry;
  private final ModelDiscovery models;
  private final Duration drainTimeout;
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("kubernetes-discovery").daemon().factory());
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** The workers this discovery registered (or is asking the model of), by URL; touched only on {@link #timer}. */
  private final Map<String, WorkerSpec> tracked = new HashMap<>();

  public KubernetesDiscovery(KubernetesClient client, KubernetesDiscoverySettings settings, WorkerRegistry registry,
      ModelDiscovery models, Duration drainTimeout) {
    this.client = client;
    this.settings = settings;
    this.registry = registry;
    this.models = models;
    this.drainTimeout = drainTimeout;
  }

  /** A client for the cluster the gateway runs in (service account), or the one {@code KUBECONFIG} names. */
  public static KubernetesClient defaultClient() {
    return new KubernetesClientBuilder().build();
  }

  /**
   * Starts the watches without waiting for them: an API server that cannot be reached is retried with backoff
   * (each failure logged once, one line) while the gateway serves whatever else it has.
   */
  public KubernetesDiscovery start() {
    List<String> namespaces = settings.namespaces().isEmpty() ? List.of(client.getNamespace()) : settings.namespaces();
    Map<String, String> common = commonLabels();
    ResourceEventHandler<Pod> handler = new ResourceEventHandler<>() {
      @Override public void onAdd(Pod pod) { changed(); }
      @Override public void onUpdate(Pod before, Pod after) { changed(); }
      @Override public void onDelete(Pod pod, boolean finalStateUnknown) { changed(); }
    };
    for (String ns : namespaces) {
      if (ns == null) throw new IllegalStateException("discovery.kubernetes: no namespace given and the client knows none (not in a cluster?)");
      var pods = client.pods().inNamespace(ns);
      Informable<Pod> source = common.isEmpty() ? pods : pods.withLabels(common);
      SharedIndexInformer<Pod> informer = source.runnableInformer(settings.resync().toMillis());
      informer.addEventHandler(handler);
      informer.exceptionHandler((started, error) -> {
        log.warn("kubernetes discovery: listing/watching pods in namespace {} failed ({}); retrying", ns, oneLine(error));
        return true;
      });
      informers.add(informer);
      informer.start();
      log.info("watching pods in namespace {} (labels {})", ns, common);
    }
    return this;
  }

  private static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }

  /** Labels every selector shares: the server filters by them, the rest is checked here. */
  private Map<String, String> commonLabels() {
    Map<String, String> common = null;
    for (Map<String, String> s : List.of(settings.selector(), settings.prefillSelector(), settings.decodeSelector())) {
      if (s.isEmpty()) continue;
      if (common == null) {
        common = new LinkedHashMap<>(s);
      } else {
        common.entrySet().removeIf(e -> !e.getValue().equals(s.get(e.getKey())));
      }
    }
    return common == null ? Map.of() : common;
  }

  private void changed() {
    if (scheduled.compareAndSet(false, true)) {
      timer.schedule(this::reconcile, settings.debounce().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Level-triggered: what the pods say now against what this discovery registered. */
  private void reconcile() {
    scheduled.set(false);
    try {
      Map<String, WorkerSpec> desired = new LinkedHashMap<>();
      for (SharedIndexInformer<Pod> informer : informers) {
        for (Pod pod : informer.getStore().list()) {
          WorkerSpec w = workerOf(pod);
          if (w != null) desired.putIfAbsent(w.url(), w);
        }
      }
      for (String url : List.copyOf(tracked.keySet())) {
        WorkerSpec now = desired.get(url);
        WorkerSpec was = tracked.get(url);
        if (now != null && now.equals(was)) continue;
        tracked.remove(url);
        models.forget(url);
        log.info("pod worker {} is gone or not ready: draining and removing it", url);
        registry.drainAndRemove(url, drainTimeout);
      }
      boolean waiting = false;
      for (WorkerSpec w : desired.values()) {
        if (tracked.containsKey(w.url())) continue;
        var existing = registry.snapshot().byUrl(w.url());
        if (existing != null) {
          waiting |= existing.draining(); // its predecessor under this URL is still draining: look again soon
          continue;
        }
        tracked.put(w.url(), w);
        log.info("pod worker {} ({} {}) is ready: adding it", w.url(), w.type().wireName(), w.discoversModel() ? "model to be asked" : w.model());
        if (w.discoversModel()) {
          models.discover(w);
        } else {
          try {
            registry.add(w);
          } catch (IllegalArgumentException e) {
            tracked.remove(w.url());
          }
        }
      }
      if (waiting) changed();
    } catch (RuntimeException e) {
      log.error("kubernetes discovery: reconcile failed: {}", e.getMessage(), e);
    }
  }

  /** The worker a pod is, or {@code null} when it is not one (yet). */
  WorkerSpec workerOf(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null) return null;
    if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) return null;
    boolean ready = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    String ip = pod.getStatus().getPodIP();
    if (!ready || ip == null || ip.isBlank()) return null;
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    WorkerType type;
    if (matches(settings.prefillSelector(), labels)) type = WorkerType.PREFILL;
    else if (matches(settings.decodeSelector(), labels)) type = WorkerType.DECODE;
    else if (matches(settings.selector(), labels)) type = WorkerType.REGULAR;
    else return null;

    Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    ConnectionMode connection = ConnectionMode.HTTP;
    String c = annotations.get(settings.connectionAnnotation());
    if (c != null) {
      connection = ConnectionMode.fromWire(c.strip());
      if (connection == null) {
        log.warn("pod {}: annotation {}='{}' is not http or grpc; skipped", name, settings.connectionAnnotation(), c);
        return null;
      }
    }
    String model = settings.modelLabel() == null ? null : labels.get(settings.modelLabel());
    if (model == null || model.isBlank()) {
      if (type != WorkerType.REGULAR || connection != ConnectionMode.HTTP) {
        log.warn("pod {}: a {} {} worker needs the model label '{}'; skipped", name, type.wireName(), connection.wireName(), settings.modelLabel());
        return null;
      }
      model = WorkerSpec.DISCOVER_MODEL;
    }
    Integer bootstrap = null;
    if (type == WorkerType.PREFILL) {
      String b = annotations.get(settings.bootstrapPortAnnotation());
      try {
        if (b != null) bootstrap = Integer.parseInt(b.strip());
        if (bootstrap != null && (bootstrap < 1 || bootstrap > 65535)) bootstrap = null;
      } catch (NumberFormatException e) {
        log.warn("pod {}: annotation {}='{}' is not a port; no bootstrap port", name, settings.bootstrapPortAnnotation(), b);
      }
    }
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    String url = (connection == ConnectionMode.GRPC ? "grpc://" : "http://") + host + ":" + settings.port();
    Map<String, String> workerLabels = Map.of("pod", pod.getMetadata().getName(), "namespace", pod.getMetadata().getNamespace());
    return new WorkerSpec(url, model, type, connection, bootstrap, WorkerSpec.DEFAULT_PRIORITY, WorkerSpec.DEFAULT_COST, null, workerLabels);
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    if (selector.isEmpty()) return false;
    for (Map.Entry<String, String> e : selector.entrySet()) if (!e.getValue().equals(labels.get(e.getKey()))) return false;
    return true;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    timer.shutdownNow();
    client.close();
  }
}
