package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Session affinity: the request's key (header {@code x-session-id}, else the body's {@code user}) is hashed onto a
 * ring of {@code virtual_nodes} points per worker, and the first worker clockwise serves it. Joins and leaves move
 * only the keys of the ring arcs that change owner (about 1/n of them). Bounded load: a worker whose load would
 * exceed {@code max(capacity_floor, ceil(load_factor * (total load + 1) / candidates))} is passed over for the
 * next one on the ring, so one hot key cannot pile onto one worker. The ring hash is deterministic, so every
 * gateway replica maps a key the same way. A request without a key goes to the least-loaded candidate (random
 * among equals).
 */
public final class ConsistentHashPolicy implements Policy {
  public static final String SESSION_HEADER = "x-session-id";

  private final int virtualNodes;
  private final double loadFactor;
  private final int capacityFloor;
  private final Set<Worker> members = new LinkedHashSet<>();
  private volatile Ring ring = new Ring(new long[0], new Worker[0]);

  /** Sorted points and the worker owning each. Immutable. */
  private record Ring(long[] points, Worker[] owners) {}

  public ConsistentHashPolicy(int virtualNodes, double loadFactor, int capacityFloor) {
    this.virtualNodes = virtualNodes;
    this.loadFactor = loadFactor;
    this.capacityFloor = capacityFloor;
  }

  @Override public String name() { return "consistent_hash"; }

  @Override public boolean usesReportedLoad() { return true; }

  @Override
  public synchronized void workerAdded(Worker worker) {
    if (members.add(worker)) rebuild();
  }

  @Override
  public synchronized void workerRemoved(Worker worker) {
    if (members.remove(worker)) rebuild();
  }

  private void rebuild() {
    int n = members.size() * virtualNodes;
    long[] points = new long[n];
    Worker[] owners = new Worker[n];
    record Point(long hash, Worker owner) {}
    List<Point> all = new ArrayList<>(n);
    for (Worker w : members) {
      for (int i = 0; i < virtualNodes; i++) all.add(new Point(hash64(w.url() + "#" + i), w));
    }
    all.sort((a, b) -> a.hash != b.hash ? Long.compare(a.hash, b.hash) : a.owner.url().compareTo(b.owner.url()));
    for (int i = 0; i < n; i++) {
      points[i] = all.get(i).hash;
      owners[i] = all.get(i).owner;
    }
    ring = new Ring(points, owners);
  }

  /** The affinity key of a request, or {@code null}. */
  public static String key(SelectionContext request) {
    String k = request.header(SESSION_HEADER);
    if (k != null && !k.isBlank()) return k;
    String user = request.user();
    return user != null && !user.isEmpty() ? user : null;
  }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    String key = key(request);
    if (key == null || candidates.size() == 1) return leastLoaded(candidates);
    int n = candidates.size();
    long[] loads = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      loads[i] = Load.of(candidates.get(i));
      total += loads[i];
    }
    long capacity = Math.max(capacityFloor, (long) Math.ceil(loadFactor * (total + 1) / n));
    Ring r = ring;
    int size = r.points.length;
    if (size == 0) return leastLoaded(candidates);
    int start = Arrays.binarySearch(r.points, hash64(key));
    if (start < 0) start = -start - 1;
    boolean[] seen = new boolean[n];
    int seenCount = 0;
    int firstSeen = -1;
    for (int step = 0; step < size && seenCount < n; step++) {
      Worker owner = r.owners[(start + step) % size];
      int c = indexOf(candidates, owner);
      if (c < 0 || seen[c]) continue;
      seen[c] = true;
      seenCount++;
      if (firstSeen < 0) firstSeen = c;
      if (loads[c] + 1 <= capacity) return candidates.get(c);
    }
    return firstSeen >= 0 ? candidates.get(firstSeen) : leastLoaded(candidates);
  }

  private static int indexOf(List<Worker> candidates, Worker w) {
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) == w) return i;
    }
    return -1;
  }

  /** The candidate with the lowest {@link Load}, uniformly random among equals. */
  static Worker leastLoaded(List<Worker> candidates) {
    Worker best = null;
    long bestLoad = Long.MAX_VALUE;
    int ties = 0;
    for (Worker w : candidates) {
      long l = Load.of(w);
      if (l < bestLoad) {
        best = w;
        bestLoad = l;
        ties = 1;
      } else if (l == bestLoad && ThreadLocalRandom.current().nextInt(++ties) == 0) {
        best = w;
      }
    }
    return best;
  }

  /** FNV-1a over the UTF-16 units, then the SplitMix64 finaliser for an even spread. Stable across processes. */
  static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }
}
