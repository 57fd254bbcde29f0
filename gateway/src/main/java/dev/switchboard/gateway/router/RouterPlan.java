package dev.switchboard.gateway.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which routers a set of workers produces, and the models each serves: a regular router serves every model with
 * a regular worker of its connection; a PD router every model with both a prefill and a decode worker. A router
 * with no model does not exist. The same rule drives {@code switchboard plan} and the live {@link RouterManager}.
 */
public record RouterPlan(SortedMap<RouterId, SortedSet<String>> routers) {

  public static RouterPlan of(Collection<WorkerSpec> workers) {
    Map<RouterId, SortedSet<String>> out = new EnumMap<>(RouterId.class);
    Set<String> prefill = new HashSet<>();
    Set<String> decode = new HashSet<>();
    for (WorkerSpec w : workers) {
      if (w.discoversModel()) continue; // joins the plan once it has said which model it serves
      switch (w.type()) {
        case REGULAR -> out.computeIfAbsent(RouterId.of(WorkerType.REGULAR, w.connection()), k -> new TreeSet<>()).add(w.model());
        case PREFILL -> prefill.add(w.connection().wireName() + "\0" + w.model());
        case DECODE -> decode.add(w.connection().wireName() + "\0" + w.model());
      }
    }
    for (String key : prefill) {
      if (!decode.contains(key)) continue;
      int sep = key.indexOf('\0');
      ConnectionMode connection = ConnectionMode.fromWire(key.substring(0, sep));
      out.computeIfAbsent(RouterId.of(WorkerType.PREFILL, connection), k -> new TreeSet<>()).add(key.substring(sep + 1));
    }
    SortedMap<RouterId, SortedSet<String>> sorted = new TreeMap<>();
    out.forEach((id, models) -> sorted.put(id, Collections.unmodifiableSortedSet(models)));
    return new RouterPlan(Collections.unmodifiableSortedMap(sorted));
  }

  public SortedSet<String> models(RouterId id) {
    return routers.getOrDefault(id, Collections.emptySortedSet());
  }

  /** Every model some router serves. */
  public SortedSet<String> allModels() {
    SortedSet<String> all = new TreeSet<>();
    routers.values().forEach(all::addAll);
    return all;
  }

  /** {@code {"routers": {"http-regular": ["a", "b"], ...}}} — routers in fixed order, models sorted. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    routers.forEach((id, models) -> json.put(id.wireName(), models));
    try {
      return RequestFacts.JSON.writeValueAsString(Map.of("routers", json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
