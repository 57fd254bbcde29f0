package dev.switchboard.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code discovery.kubernetes:} section: which pods are workers and how to read them.
 *
 * @param namespaces namespaces to watch; empty = the gateway pod's own (from the service account)
 * @param selector labels of regular workers; empty = none
 * @param prefillSelector labels of prefill workers (checked first); empty = none
 * @param decodeSelector labels of decode workers; empty = none
 * @param port the workers' port ({@code http://<podIP>:<port>})
 * @param modelLabel the pod label naming the model; {@code null} or absent on a pod = ask its {@code /v1/models}
 * @param bootstrapPortAnnotation the prefill pod annotation giving its bootstrap port
 * @param connectionAnnotation the pod annotation saying {@code http} or {@code grpc} (default http)
 * @param resync how often the full pod list is re-read besides the watch
 * @param debounce how long pod events are gathered before the registry is changed
 */
public record KubernetesDiscoverySettings(List<String> namespaces, Map<String, String> selector,
    Map<String, String> prefillSelector, Map<String, String> decodeSelector, int port, String modelLabel,
    String bootstrapPortAnnotation, String connectionAnnotation, Duration resync, Duration debounce) {

  public static final String DEFAULT_BOOTSTRAP_ANNOTATION = "sglang.ai/bootstrap-port";
  public static final String DEFAULT_CONNECTION_ANNOTATION = "switchboard/connection";

  public KubernetesDiscoverySettings {
    namespaces = List.copyOf(namespaces);
    selector = Map.copyOf(selector);
    prefillSelector = Map.copyOf(prefillSelector);
    decodeSelector = Map.copyOf(decodeSelector);
  }
}
