package dev.switchboard.bench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * The radix tree as it was before the insert buffer (commit 84a5aaa): one StampedLock per tree, every insert under
 * the write lock. Kept only as the baseline of {@link RadixTreeBenchmark}, so old and new are measured in one run.
 *
 * <p>The "approximate radix tree" of prefix-aware routing: a character-level radix tree over request text whose nodes
 * remember which tenants (workers) have seen that prefix and when. A tenant on a node is also on every ancestor
 * (insert marks the whole path, splits copy the tenant set, eviction removes leaves first), so a tenant's deepest
 * node on a text's path is how much of that text its cache may hold.
 *
 * <p>Thread-safe: {@link #match} runs under a shared read lock; changes (insert, tenant removal, eviction) under
 * the exclusive write lock. Each operation is a single walk of one path, so the write lock is held for about the
 * time it takes to compare the text once.
 *
 * <p>Memory: labels are Strings (one byte per character for Latin-1 text); a node's tenants are one {@code long}
 * each, packing a tenant slot (16 bits) and a last-access time in milliseconds (48 bits).
 *
 * @param <T> the tenant type; tenants are compared with {@code equals}
 */
public final class LockedRadixTree<T> {
  private static final int SLOT_SHIFT = 48;
  private static final long STAMP_MASK = (1L << SLOT_SHIFT) - 1;
  private static final int MAX_TENANTS = 1 << 15;
  private static final long[] NO_TENANTS = {};
  private static final char[] NO_KEYS = {};
  private static final Node[] NO_KIDS = {};

  private final StampedLock lock = new StampedLock();
  private final LongSupplier clockMillis;
  private final long epoch;
  private final Node root = new Node("", null);

  // Tenant bookkeeping; guarded by lock.
  private final Map<T, Integer> slots = new HashMap<>();
  private Object[] tenantBySlot = new Object[8];
  private long[] charsBySlot = new long[8];
  private int[] freeSlots = new int[0];
  private int freeCount;
  private int nextSlot;
  private long nodeCount = 1;
  private long labelChars;

  public LockedRadixTree() {
    this(System::currentTimeMillis);
  }

  /** @param clockMillis the time source for last-access stamps (tests pass a fake clock) */
  public LockedRadixTree(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.epoch = clockMillis.getAsLong();
  }

  /** One node: an edge label, its children sorted by first character, and its tenants. */
  private static final class Node {
    String label;
    Node parent;
    char[] keys = NO_KEYS;
    Node[] kids = NO_KIDS;
    long[] tenants = NO_TENANTS;

    Node(String label, Node parent) {
      this.label = label;
      this.parent = parent;
    }

    int indexOf(char c) {
      return Arrays.binarySearch(keys, c);
    }

    Node child(char c) {
      int i = indexOf(c);
      return i >= 0 ? kids[i] : null;
    }

    void putChild(Node child) {
      char c = child.label.charAt(0);
      int i = indexOf(c);
      if (i >= 0) {
        kids[i] = child;
        return;
      }
      int at = -i - 1;
      char[] k = new char[keys.length + 1];
      Node[] n = new Node[kids.length + 1];
      System.arraycopy(keys, 0, k, 0, at);
      System.arraycopy(kids, 0, n, 0, at);
      k[at] = c;
      n[at] = child;
      System.arraycopy(keys, at, k, at + 1, keys.length - at);
      System.arraycopy(kids, at, n, at + 1, kids.length - at);
      keys = k;
      kids = n;
    }

    void removeChild(Node child) {
      int i = indexOf(child.label.charAt(0));
      if (i < 0 || kids[i] != child) return;
      if (keys.length == 1) {
        keys = NO_KEYS;
        kids = NO_KIDS;
        return;
      }
      char[] k = new char[keys.length - 1];
      Node[] n = new Node[kids.length - 1];
      System.arraycopy(keys, 0, k, 0, i);
      System.arraycopy(kids, 0, n, 0, i);
      System.arraycopy(keys, i + 1, k, i, keys.length - i - 1);
      System.arraycopy(kids, i + 1, n, i, kids.length - i - 1);
      keys = k;
      kids = n;
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
   * recorded there ({@code null} if none).
   *
   * @param partialEdges whether a partially matched last edge counts (its characters up to the mismatch); the
   *     reference counts whole edges only
   */
  public Match<T> match(String text, List<? extends T> candidates, boolean partialEdges) {
    int[] depths = new int[candidates.size()];
    long stamp = lock.readLock();
    try {
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
        Node child = node.child(text.charAt(pos));
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
      T tenant = node.tenants.length == 0 ? null : tenant((int) (node.tenants[0] >>> SLOT_SHIFT));
      return new Match<>(n, depths, pos, tenant);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private static void record(Node node, int depth, int[] depthBySlot) {
    for (long e : node.tenants) {
      int slot = (int) (e >>> SLOT_SHIFT);
      if (slot < depthBySlot.length) depthBySlot[slot] = depth;
    }
  }

  /** Records that {@code tenant} has seen {@code text} (and so every prefix of it); registers the tenant. */
  public void insert(String text, T tenant) {
    long stamp = lock.writeLock();
    try {
      int slot = slotFor(tenant);
      long now = clockMillis.getAsLong() - epoch;
      addTenant(root, slot, now);
      Node node = root;
      int pos = 0;
      int n = text.length();
      while (pos < n) {
        Node child = node.child(text.charAt(pos));
        if (child == null) {
          Node leaf = new Node(text.substring(pos), node);
          node.putChild(leaf);
          nodeCount++;
          labelChars += leaf.label.length();
          addTenant(leaf, slot, now);
          return;
        }
        int common = commonPrefix(child.label, text, pos);
        if (common < child.label.length()) child = split(node, child, common);
        addTenant(child, slot, now);
        node = child;
        pos += common;
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Makes a tenant known (with nothing cached) so it can be the smallest tenant. */
  public void addTenant(T tenant) {
    insert("", tenant);
  }

  /** Splits {@code child} after {@code at} characters; the new upper node keeps the tenants (counts unchanged). */
  private Node split(Node parent, Node child, int at) {
    Node upper = new Node(child.label.substring(0, at), parent);
    upper.tenants = child.tenants.clone();
    child.label = child.label.substring(at);
    child.parent = upper;
    upper.keys = new char[] {child.label.charAt(0)};
    upper.kids = new Node[] {child};
    parent.putChild(upper);
    nodeCount++;
    return upper;
  }

  private void addTenant(Node node, int slot, long now) {
    long entry = ((long) slot << SLOT_SHIFT) | (now & STAMP_MASK);
    int i = node.find(slot);
    if (i >= 0) {
      node.tenants[i] = entry;
      return;
    }
    long[] t = Arrays.copyOf(node.tenants, node.tenants.length + 1);
    t[t.length - 1] = entry;
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
      slot = nextSlot++;
      if (slot == tenantBySlot.length) {
        tenantBySlot = Arrays.copyOf(tenantBySlot, slot * 2);
        charsBySlot = Arrays.copyOf(charsBySlot, slot * 2);
      }
    }
    slots.put(tenant, slot);
    tenantBySlot[slot] = tenant;
    charsBySlot[slot] = 0;
    return slot;
  }

  @SuppressWarnings("unchecked")
  private T tenant(int slot) {
    return (T) tenantBySlot[slot];
  }

  /** Forgets {@code tenant} entirely: its marks on every node, its character count and its slot. */
  public void removeTenant(T tenant) {
    long stamp = lock.writeLock();
    try {
      Integer slot = slots.remove(tenant);
      if (slot == null) return;
      removeFromSubtree(root, slot);
      tenantBySlot[slot] = null;
      charsBySlot[slot] = 0;
      if (freeCount == freeSlots.length) freeSlots = Arrays.copyOf(freeSlots, Math.max(4, freeCount * 2));
      freeSlots[freeCount++] = slot;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void removeFromSubtree(Node top, int slot) {
    List<Node> stack = new ArrayList<>();
    stack.add(top);
    while (!stack.isEmpty()) {
      Node node = stack.removeLast();
      if (!dropTenant(node, slot)) continue; // downward closed: no descendant has it either
      if (node != root && node.tenants.length == 0) {
        detach(node);
        continue;
      }
      for (Node k : node.kids) stack.add(k);
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
    node.parent.removeChild(node);
    List<Node> stack = new ArrayList<>();
    stack.add(node);
    while (!stack.isEmpty()) {
      Node n = stack.removeLast();
      nodeCount--;
      labelChars -= n.label.length();
      for (Node k : n.kids) stack.add(k);
    }
  }

  /**
   * Evicts, oldest first, the tenant-leaf entries of every tenant holding more than {@code maxChars} characters,
   * until it holds at most that many (the reference's per-tenant budget). Returns the characters evicted.
   */
  public long evict(long maxChars) {
    long stamp = lock.writeLock();
    try {
      boolean over = false;
      for (int s = 0; s < nextSlot; s++) over |= tenantBySlot[s] != null && charsBySlot[s] > maxChars;
      if (!over) return 0;
      record Leaf(long stamp, int slot, Node node) {}
      PriorityQueue<Leaf> queue = new PriorityQueue<>((a, b) -> Long.compare(a.stamp, b.stamp));
      List<Node> stack = new ArrayList<>(List.of(root));
      while (!stack.isEmpty()) {
        Node node = stack.removeLast();
        for (Node k : node.kids) stack.add(k);
        if (node == root) continue;
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
        if (parent != root) {
          int i = parent.find(leaf.slot);
          if (i >= 0 && !anyChildHas(parent, leaf.slot)) queue.add(new Leaf(parent.tenants[i] & STAMP_MASK, leaf.slot, parent));
        }
      }
      return evicted;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private static boolean anyChildHas(Node node, int slot) {
    for (Node k : node.kids) {
      if (k.has(slot)) return true;
    }
    return false;
  }

  /** Characters {@code tenant} holds (the sum of the labels of its nodes); 0 for an unknown tenant. */
  public long chars(T tenant) {
    long stamp = lock.readLock();
    try {
      Integer s = slots.get(tenant);
      return s == null ? 0 : charsBySlot[s];
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The known tenant holding the fewest characters (the first such in slot order), or {@code null}. */
  public T smallestTenant() {
    long stamp = lock.readLock();
    try {
      int best = -1;
      for (int s = 0; s < nextSlot; s++) {
        if (tenantBySlot[s] != null && (best < 0 || charsBySlot[s] < charsBySlot[best])) best = s;
      }
      return best < 0 ? null : tenant(best);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Every tenant's character count (a copy). */
  public Map<T, Long> charsByTenant() {
    long stamp = lock.readLock();
    try {
      Map<T, Long> out = new HashMap<>();
      slots.forEach((t, s) -> out.put(t, charsBySlot[s]));
      return out;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Nodes in the tree, the root included. */
  public long nodeCount() {
    long stamp = lock.readLock();
    try {
      return nodeCount;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Characters stored in labels (each distinct cached character once). */
  public long labelChars() {
    long stamp = lock.readLock();
    try {
      return labelChars;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Checks the tree's invariants and throws {@link IllegalStateException} on the first broken one: children sorted
   * and keyed by their first character, parent links, no empty label below the root, every tenant of a node also
   * on its parent, and the per-tenant, node and character counts equal to a recount. For tests; takes the read lock.
   */
  public void verify() {
    long stamp = lock.readLock();
    try {
      long[] chars = new long[charsBySlot.length];
      long nodes = 0;
      long labels = 0;
      List<Node> stack = new ArrayList<>(List.of(root));
      while (!stack.isEmpty()) {
        Node node = stack.removeLast();
        nodes++;
        labels += node.label.length();
        for (long e : node.tenants) {
          int slot = (int) (e >>> SLOT_SHIFT);
          if (tenantBySlot[slot] == null) throw new IllegalStateException("node '" + node.label + "' holds a free slot " + slot);
          chars[slot] += node.label.length();
          if (node != root && !node.parent.has(slot)) throw new IllegalStateException("tenant slot " + slot + " on '" + node.label + "' but not on its parent");
        }
        for (int i = 0; i < node.kids.length; i++) {
          Node k = node.kids[i];
          if (k.label.isEmpty()) throw new IllegalStateException("empty label below the root");
          if (k.label.charAt(0) != node.keys[i]) throw new IllegalStateException("child key mismatch under '" + node.label + "'");
          if (i > 0 && node.keys[i - 1] >= node.keys[i]) throw new IllegalStateException("children not sorted under '" + node.label + "'");
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
      lock.unlockRead(stamp);
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
