package dev.switchboard.gateway.policy.radix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The "approximate radix tree" of prefix-aware routing: a character-level radix tree over request text whose nodes
 * remember which tenants (workers) have seen that prefix and when. A tenant on a node is also on every ancestor
 * (insert marks the whole path, splits copy the tenant set, eviction removes leaves first), so a tenant's deepest
 * node on a text's path is how much of that text its cache may hold.
 *
 * <p>Concurrency. Reads ({@link #match}, {@link #chars}, {@link #smallestTenant}) take no lock: a node's label never
 * changes, its children and tenants are immutable arrays replaced whole (a split makes new nodes instead of
 * shortening a label), so a reader walks a consistent path of some recent version of the tree. Changes are applied
 * by one writer at a time under {@link #writer}, but nobody on an event loop ever waits for it: {@link #insert}
 * takes the lock only if it is free ({@code tryLock}), else it leaves the insert in a buffer that the lock's holder
 * applies as it lets go, a bounded batch per turn (the write buffer of Caffeine's caches). Eviction and tenant removal run under the same
 * lock on their own threads, while inserts queue up and matches go on. An insert is visible to matches as soon as
 * it is applied: at once when no other change is running, else when the running one ends or, in a stream of
 * concurrent inserts, with a later insert.
 *
 * <p>Memory: labels are Strings (one byte per character for Latin-1 text); a node's tenants are one {@code long}
 * each, packing a tenant slot (16 bits) and a last-access time in milliseconds (48 bits).
 *
 * @param <T> the tenant type; tenants are compared with {@code equals}
 */
public final class RadixTree<T> {
  private static final int SLOT_SHIFT = 48;
  private static final long STAMP_MASK = (1L << SLOT_SHIFT) - 1;
  private static final int MAX_TENANTS = 1 << 15;
  /** Inserts that may wait for the writer lock; beyond this they are dropped (the tree is approximate anyway). */
  static final int MAX_PENDING = 1 << 16;
  /**
   * Buffered inserts an inserting thread applies per turn of the lock: bounded, so an event loop never keeps
   * draining while others keep adding (the rest waits for the next insert or change).
   */
  static final int DRAIN_BATCH = 64;
  private static final long[] NO_TENANTS = {};

  private final ReentrantLock writer = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final LongSupplier clockMillis;
  private final long epoch;
  private final Node root = new Node("", null);

  // Tenant bookkeeping: written under the writer lock, read without it.
  private final Map<T, Integer> slots = new ConcurrentHashMap<>();
  private volatile Object[] tenantBySlot = new Object[8];
  private volatile long[] charsBySlot = new long[8];
  private int[] freeSlots = new int[0];
  private int freeCount;
  private volatile int nextSlot;
  private volatile long nodeCount = 1;
  private volatile long labelChars;
  private final java.util.concurrent.atomic.AtomicLong droppedInserts = new java.util.concurrent.atomic.AtomicLong();

  public RadixTree() {
    this(System::currentTimeMillis);
  }

  /** @param clockMillis the time source for last-access stamps (tests pass a fake clock) */
  public RadixTree(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.epoch = clockMillis.getAsLong();
  }

  private record Pending(String text, Object tenant, long now) {}

  /** Children of a node: first characters (sorted) and the nodes, replaced together so readers see a matching pair. */
  private record Kids(char[] keys, Node[] nodes) {
    static final Kids NONE = new Kids(new char[0], new Node[0]);

    int indexOf(char c) {
      return Arrays.binarySearch(keys, c);
    }

    Node get(char c) {
      int i = indexOf(c);
      return i >= 0 ? nodes[i] : null;
    }

    Kids with(Node child) {
      char c = child.label.charAt(0);
      int i = indexOf(c);
      if (i >= 0) {
        Node[] n = nodes.clone();
        n[i] = child;
        return new Kids(keys, n);
      }
      int at = -i - 1;
      char[] k = new char[keys.length + 1];
      Node[] n = new Node[nodes.length + 1];
      System.arraycopy(keys, 0, k, 0, at);
      System.arraycopy(nodes, 0, n, 0, at);
      k[at] = c;
      n[at] = child;
      System.arraycopy(keys, at, k, at + 1, keys.length - at);
      System.arraycopy(nodes, at, n, at + 1, nodes.length - at);
      return new Kids(k, n);
    }

    Kids without(Node child) {
      int i = indexOf(child.label.charAt(0));
      if (i < 0 || nodes[i] != child) return this;
      if (keys.length == 1) return NONE;
      char[] k = new char[keys.length - 1];
      Node[] n = new Node[nodes.length - 1];
      System.arraycopy(keys, 0, k, 0, i);
      System.arraycopy(nodes, 0, n, 0, i);
      System.arraycopy(keys, i + 1, k, i, keys.length - i - 1);
      System.arraycopy(nodes, i + 1, n, i, nodes.length - i - 1);
      return new Kids(k, n);
    }
  }

  /** One node: an edge label (never changes), its children and its tenants (each replaced whole). */
  private static final class Node {
    final String label;
    /** Written and read by the writer only. */
    Node parent;
    volatile Kids kids = Kids.NONE;
    /**
     * Copy-on-write when a tenant joins or leaves; a tenant's time stamp is refreshed in place (the slot bits
     * stay the same, so a reader never sees another tenant).
     */
    volatile long[] tenants = NO_TENANTS;

    Node(String label, Node parent) {
      this.label = label;
      this.parent = parent;
    }

    int find(int slot) {
      long[] t = tenants;
      for (int i = 0; i < t.length; i++) {
        if ((int) (t[i] >>> SLOT_SHIFT) == slot) return i;
      }
      return -1;
    }

    boolean has(int slot) {
      return find(slot) >= 0;
    }
  }

  /** What {@link #match} found for one text. */
  public record Match<T>(int textLength, int[] depths, int deepest, T deepestTenant) {
    /** Matched characters of candidate {@code i} divided by the text length (0 for empty text). */
    public double rate(int i) {
      return textLength == 0 ? 0 : (double) depths[i] / textLength;
    }

    /** Matched characters of the deepest node divided by the text length (0 for empty text). */
    public double deepestRate() {
      return textLength == 0 ? 0 : (double) deepest / textLength;
    }
  }

  /**
   * Walks {@code text}'s path. For each of {@code candidates}, how many leading characters of the text its
   * deepest node covers; and over all tenants, the deepest node reached by whole edges with the first tenant
   * recorded there ({@code null} if none). Takes no lock.
   *
   * @param partialEdges whether a partially matched last edge counts (its characters up to the mismatch); the
   *     reference counts whole edges only
   */
  public Match<T> match(String text, List<? extends T> candidates, boolean partialEdges) {
    int[] depths = new int[candidates.size()];
    int[] slotOf = new int[candidates.size()];
    int maxSlot = -1;
    for (int i = 0; i < slotOf.length; i++) {
      Integer s = slots.get(candidates.get(i));
      slotOf[i] = s == null ? -1 : s;
      maxSlot = Math.max(maxSlot, slotOf[i]);
    }
    int[] depthBySlot = new int[maxSlot + 1];
    Node node = root;
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      Node child = node.kids.get(text.charAt(pos));
      if (child == null) break;
      String label = child.label;
      int common = commonPrefix(label, text, pos);
      if (common < label.length()) {
        if (partialEdges) record(child, pos + common, depthBySlot);
        break;
      }
      pos += common;
      node = child;
      record(node, pos, depthBySlot);
    }
    for (int i = 0; i < slotOf.length; i++) {
      if (slotOf[i] >= 0) depths[i] = depthBySlot[slotOf[i]];
    }
    long[] t = node.tenants;
    T tenant = t.length == 0 ? null : tenant((int) (t[0] >>> SLOT_SHIFT));
    return new Match<>(n, depths, pos, tenant);
  }

  private static void record(Node node, int depth, int[] depthBySlot) {
    for (long e : node.tenants) {
      int slot = (int) (e >>> SLOT_SHIFT);
      if (slot < depthBySlot.length) depthBySlot[slot] = depth;
    }
  }

  /**
   * Records that {@code tenant} has seen {@code text} (and so every prefix of it); registers the tenant. Never
   * waits: when another change holds the writer lock, the insert is buffered and applied by that change's thread.
   */
  public void insert(String text, T tenant) {
    long now = clockMillis.getAsLong() - epoch;
    if (writer.tryLock()) {
      try {
        applyPending(DRAIN_BATCH);
        apply(text, tenant, now);
      } finally {
        release();
      }
      return;
    }
    if (pendingCount.incrementAndGet() > MAX_PENDING) {
      pendingCount.decrementAndGet();
      droppedInserts.incrementAndGet();
      return;
    }
    pending.add(new Pending(text, tenant, now));
    // The holder may have let go between our tryLock and add; then nobody else would see this entry soon.
    if (writer.tryLock()) {
      try {
        applyPending(DRAIN_BATCH);
      } finally {
        release();
      }
    }
  }

  /** Makes a tenant known (with nothing cached) so it can be the smallest tenant. */
  public void addTenant(T tenant) {
    insert("", tenant);
  }

  /**
   * Unlocks the writer lock, then applies (a bounded batch of) what was buffered meanwhile if nobody else took the
   * lock. Whatever is left is applied by the next insert or change: inserts left over only while others arrive.
   */
  private void release() {
    writer.unlock();
    if (!pending.isEmpty() && writer.tryLock()) {
      try {
        applyPending(DRAIN_BATCH);
      } finally {
        writer.unlock();
      }
    }
  }

  /**
   * Takes the writer lock, waiting for it, and applies everything buffered: for changes made off the event loops
   * (eviction, tenant removal, verification).
   */
  private void lockForChange() {
    writer.lock();
    applyPending(Integer.MAX_VALUE);
  }

  @SuppressWarnings("unchecked")
  private void applyPending(int max) {
    Pending p;
    for (int i = 0; i < max && (p = pending.poll()) != null; i++) {
      pendingCount.decrementAndGet();
      apply(p.text(), (T) p.tenant(), p.now());
    }
  }

  /** Inserts under the writer lock. */
  private void apply(String text, T tenant, long now) {
    int slot = slotFor(tenant);
    Node r = root;
    touch(r, slot, now);
    Node node = r;
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      Node child = node.kids.get(text.charAt(pos));
      if (child == null) {
        Node leaf = new Node(text.substring(pos), node);
        addTenantTo(leaf, slot, now);
        node.kids = node.kids.with(leaf);
        nodeCount++;
        labelChars += leaf.label.length();
        return;
      }
      int common = commonPrefix(child.label, text, pos);
      if (common < child.label.length()) child = split(node, child, common);
      touch(child, slot, now);
      node = child;
      pos += common;
    }
  }

  /**
   * Replaces {@code child} by an upper node of its first {@code at} characters over a lower node of the rest. Both
   * are new (a reader still on the old node sees it unchanged); the upper keeps the tenants (counts unchanged).
   */
  private Node split(Node parent, Node child, int at) {
    Node upper = new Node(child.label.substring(0, at), parent);
    Node lower = new Node(child.label.substring(at), upper);
    long[] t = child.tenants;
    lower.tenants = t;
    lower.kids = child.kids;
    for (Node k : lower.kids.nodes()) k.parent = lower;
    upper.tenants = t.clone();
    upper.kids = new Kids(new char[] {lower.label.charAt(0)}, new Node[] {lower});
    parent.kids = parent.kids.with(upper);
    child.parent = null;
    nodeCount++;
    return upper;
  }

  /** Refreshes the tenant's stamp on {@code node}, or adds the tenant there. */
  private void touch(Node node, int slot, long now) {
    long entry = ((long) slot << SLOT_SHIFT) | (now & STAMP_MASK);
    int i = node.find(slot);
    if (i >= 0) {
      node.tenants[i] = entry;
      return;
    }
    addTenantTo(node, slot, now);
  }

  private void addTenantTo(Node node, int slot, long now) {
    long[] t = Arrays.copyOf(node.tenants, node.tenants.length + 1);
    t[t.length - 1] = ((long) slot << SLOT_SHIFT) | (now & STAMP_MASK);
    node.tenants = t;
    charsBySlot[slot] += node.label.length();
  }

  private int slotFor(T tenant) {
    Integer s = slots.get(tenant);
    if (s != null) return s;
    int slot;
    if (freeCount > 0) {
      slot = freeSlots[--freeCount];
    } else {
      if (nextSlot == MAX_TENANTS) throw new IllegalStateException("a radix tree holds at most " + MAX_TENANTS + " tenants");
      slot = nextSlot;
      if (slot == tenantBySlot.length) {
        tenantBySlot = Arrays.copyOf(tenantBySlot, slot * 2);
        charsBySlot = Arrays.copyOf(charsBySlot, slot * 2);
      }
      nextSlot = slot + 1;
    }
    tenantBySlot[slot] = tenant;
    charsBySlot[slot] = 0;
    slots.put(tenant, slot); // last: a reader that finds the slot finds its tenant
    return slot;
  }

  @SuppressWarnings("unchecked")
  private T tenant(int slot) {
    Object[] t = tenantBySlot;
    return slot < t.length ? (T) t[slot] : null;
  }

  /** Forgets {@code tenant} entirely: its marks on every node, its character count and its slot. */
  public void removeTenant(T tenant) {
    lockForChange();
    try {
      Integer slot = slots.remove(tenant);
      if (slot == null) return;
      removeFromSubtree(root, slot);
      tenantBySlot[slot] = null;
      charsBySlot[slot] = 0;
      if (freeCount == freeSlots.length) freeSlots = Arrays.copyOf(freeSlots, Math.max(4, freeCount * 2));
      freeSlots[freeCount++] = slot;
    } finally {
      release();
    }
  }

  private void removeFromSubtree(Node top, int slot) {
    List<Node> stack = new ArrayList<>();
    stack.add(top);
    Node r = root;
    while (!stack.isEmpty()) {
      Node node = stack.removeLast();
      if (!dropTenant(node, slot)) continue; // downward closed: no descendant has it either
      if (node != r && node.tenants.length == 0) {
        detach(node);
        continue;
      }
      for (Node k : node.kids.nodes()) stack.add(k);
    }
  }

  /** Removes {@code slot} from {@code node}; returns whether it was there. Does not touch the character count. */
  private static boolean dropTenant(Node node, int slot) {
    int i = node.find(slot);
    if (i < 0) return false;
    long[] t = node.tenants;
    long[] r = new long[t.length - 1];
    System.arraycopy(t, 0, r, 0, i);
    System.arraycopy(t, i + 1, r, i, t.length - i - 1);
    node.tenants = r;
    return true;
  }

  /** Unlinks a node that no tenant holds any more, with its subtree (which no tenant holds either). */
  private void detach(Node node) {
    node.parent.kids = node.parent.kids.without(node);
    List<Node> stack = new ArrayList<>();
    stack.add(node);
    while (!stack.isEmpty()) {
      Node n = stack.removeLast();
      nodeCount--;
      labelChars -= n.label.length();
      for (Node k : n.kids.nodes()) stack.add(k);
    }
  }

  /**
   * Evicts, oldest first, the tenant-leaf entries of every tenant holding more than {@code maxChars} characters,
   * until it holds at most that many (the reference's per-tenant budget). Returns the characters evicted. Runs
   * under the writer lock on the caller's thread; matches go on meanwhile, inserts wait in the buffer.
   */
  public long evict(long maxChars) {
    lockForChange();
    try {
      boolean over = false;
      for (int s = 0; s < nextSlot; s++) over |= tenantBySlot[s] != null && charsBySlot[s] > maxChars;
      if (!over) return 0;
      record Leaf(long stamp, int slot, Node node) {}
      PriorityQueue<Leaf> queue = new PriorityQueue<>((a, b) -> Long.compare(a.stamp, b.stamp));
      Node r = root;
      List<Node> stack = new ArrayList<>(List.of(r));
      while (!stack.isEmpty()) {
        Node node = stack.removeLast();
        for (Node k : node.kids.nodes()) stack.add(k);
        if (node == r) continue;
        for (long e : node.tenants) {
          int slot = (int) (e >>> SLOT_SHIFT);
          if (charsBySlot[slot] > maxChars && !anyChildHas(node, slot)) queue.add(new Leaf(e & STAMP_MASK, slot, node));
        }
      }
      long evicted = 0;
      while (!queue.isEmpty()) {
        Leaf leaf = queue.poll();
        if (charsBySlot[leaf.slot] <= maxChars) continue;
        Node node = leaf.node;
        if (!dropTenant(node, leaf.slot)) continue;
        charsBySlot[leaf.slot] -= node.label.length();
        evicted += node.label.length();
        Node parent = node.parent;
        if (node.tenants.length == 0) detach(node);
        if (parent != r) {
          int i = parent.find(leaf.slot);
          if (i >= 0 && !anyChildHas(parent, leaf.slot)) queue.add(new Leaf(parent.tenants[i] & STAMP_MASK, leaf.slot, parent));
        }
      }
      return evicted;
    } finally {
      release();
    }
  }

  private static boolean anyChildHas(Node node, int slot) {
    for (Node k : node.kids.nodes()) {
      if (k.has(slot)) return true;
    }
    return false;
  }

  /** Characters {@code tenant} holds (the sum of the labels of its nodes); 0 for an unknown tenant. No lock. */
  public long chars(T tenant) {
    Integer s = slots.get(tenant);
    if (s == null) return 0;
    long[] c = charsBySlot;
    return s < c.length ? c[s] : 0;
  }

  /** The known tenant holding the fewest characters (the first such in slot order), or {@code null}. No lock. */
  public T smallestTenant() {
    Object[] tenants = tenantBySlot;
    long[] chars = charsBySlot;
    int n = Math.min(nextSlot, Math.min(tenants.length, chars.length));
    int best = -1;
    for (int s = 0; s < n; s++) {
      if (tenants[s] != null && (best < 0 || chars[s] < chars[best])) best = s;
    }
    return best < 0 ? null : tenant(best);
  }

  /** Every tenant's character count (a copy), with the buffered inserts applied first. */
  public Map<T, Long> charsByTenant() {
    lockForChange();
    try {
      Map<T, Long> out = new HashMap<>();
      slots.forEach((t, s) -> out.put(t, charsBySlot[s]));
      return out;
    } finally {
      release();
    }
  }

  /** Nodes in the tree, the root included. */
  public long nodeCount() {
    return nodeCount;
  }

  /** Characters stored in labels (each distinct cached character once). */
  public long labelChars() {
    return labelChars;
  }

  /** Inserts waiting in the buffer for the writer lock now. */
  public int pendingInserts() {
    return pendingCount.get();
  }

  /** Inserts dropped because the buffer was full. */
  public long droppedInserts() {
    return droppedInserts.get();
  }

  /** Runs {@code action} holding the writer lock (tests: inserts meanwhile must buffer, not wait). */
  void whileWriting(Runnable action) {
    lockForChange();
    try {
      action.run();
    } finally {
      release();
    }
  }

  /**
   * Checks the tree's invariants and throws {@link IllegalStateException} on the first broken one: children sorted
   * and keyed by their first character, parent links, no empty label below the root, every tenant of a node also
   * on its parent, and the per-tenant, node and character counts equal to a recount. For tests; applies the
   * buffered inserts and holds the writer lock.
   */
  public void verify() {
    lockForChange();
    try {
      long[] chars = new long[charsBySlot.length];
      long nodes = 0;
      long labels = 0;
      Node r = root;
      List<Node> stack = new ArrayList<>(List.of(r));
      while (!stack.isEmpty()) {
        Node node = stack.removeLast();
        nodes++;
        labels += node.label.length();
        for (long e : node.tenants) {
          int slot = (int) (e >>> SLOT_SHIFT);
          if (tenantBySlot[slot] == null) throw new IllegalStateException("node '" + node.label + "' holds a free slot " + slot);
          chars[slot] += node.label.length();
          if (node != r && !node.parent.has(slot)) throw new IllegalStateException("tenant slot " + slot + " on '" + node.label + "' but not on its parent");
        }
        Kids kids = node.kids;
        if (kids.keys().length != kids.nodes().length) throw new IllegalStateException("keys and children differ under '" + node.label + "'");
        for (int i = 0; i < kids.nodes().length; i++) {
          Node k = kids.nodes()[i];
          if (k.label.isEmpty()) throw new IllegalStateException("empty label below the root");
          if (k.label.charAt(0) != kids.keys()[i]) throw new IllegalStateException("child key mismatch under '" + node.label + "'");
          if (i > 0 && kids.keys()[i - 1] >= kids.keys()[i]) throw new IllegalStateException("children not sorted under '" + node.label + "'");
          if (k.parent != node) throw new IllegalStateException("wrong parent link at '" + k.label + "'");
          if (k.tenants.length == 0) throw new IllegalStateException("node '" + k.label + "' has no tenant");
          stack.add(k);
        }
      }
      if (nodes != nodeCount) throw new IllegalStateException("node count " + nodeCount + " but " + nodes + " nodes");
      if (labels != labelChars) throw new IllegalStateException("label chars " + labelChars + " but counted " + labels);
      for (int s = 0; s < nextSlot; s++) {
        if (tenantBySlot[s] != null && chars[s] != charsBySlot[s]) {
          throw new IllegalStateException("tenant " + tenantBySlot[s] + " counted " + charsBySlot[s] + " chars but holds " + chars[s]);
        }
      }
    } finally {
      release();
    }
  }

  /** Length of the common prefix of {@code label} and {@code text} from {@code pos}. */
  private static int commonPrefix(String label, String text, int pos) {
    int max = Math.min(label.length(), text.length() - pos);
    if (max == label.length() && text.regionMatches(pos, label, 0, max)) return max;
    int i = 0;
    while (i < max && label.charAt(i) == text.charAt(pos + i)) i++;
    return i;
  }
}
