package dev.switchboard.gateway.kv;

/**
 * An open-addressing map from long to long (linear probing, backward-shift deletion): 16 bytes a slot, at most
 * half full, so about 32 bytes an entry where a {@code HashMap<Long, Long>} takes about 80. Not thread-safe.
 * Keys are any long; the value {@link #MISSING} is reserved for "absent".
 */
final class LongLongMap {
  static final long MISSING = Long.MIN_VALUE;
  private static final long EMPTY = 0;

  private long[] keys;
  private long[] values;
  private boolean hasZeroKey;
  private long zeroValue;
  private int size;
  private int mask;

  LongLongMap() {
    clear();
  }

  int size() { return size; }

  long get(long key) {
    if (key == EMPTY) return hasZeroKey ? zeroValue : MISSING;
    int i = slot(key);
    while (keys[i] != EMPTY) {
      if (keys[i] == key) return values[i];
      i = (i + 1) & mask;
    }
    return MISSING;
  }

  /** Returns the previous value or {@link #MISSING}. */
  long put(long key, long value) {
    if (key == EMPTY) {
      long old = hasZeroKey ? zeroValue : MISSING;
      if (!hasZeroKey) size++;
      hasZeroKey = true;
      zeroValue = value;
      return old;
    }
    int i = slot(key);
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        long old = values[i];
        values[i] = value;
        return old;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size * 2 > keys.length) grow();
    return MISSING;
  }

  /** Returns the removed value or {@link #MISSING}. */
  long remove(long key) {
    if (key == EMPTY) {
      if (!hasZeroKey) return MISSING;
      hasZeroKey = false;
      size--;
      return zeroValue;
    }
    int i = slot(key);
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        long old = values[i];
        shiftBack(i);
        size--;
        return old;
      }
      i = (i + 1) & mask;
    }
    return MISSING;
  }

  /** Calls {@code action} with every value. */
  void forEachValue(java.util.function.LongConsumer action) {
    if (hasZeroKey) action.accept(zeroValue);
    for (int i = 0; i < keys.length; i++) if (keys[i] != EMPTY) action.accept(values[i]);
  }

  void clear() {
    keys = new long[16];
    values = new long[16];
    mask = 15;
    size = 0;
    hasZeroKey = false;
  }

  private void shiftBack(int hole) {
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      if (keys[i] == EMPTY) break;
      int home = slot(keys[i]);
      // move keys[i] into the hole unless its home lies cyclically in (hole, i]
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        keys[hole] = keys[i];
        values[hole] = values[i];
        hole = i;
      }
    }
    keys[hole] = EMPTY;
  }

  private int slot(long key) {
    return (int) BlockChain.mix(key) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    mask = keys.length - 1;
    int kept = hasZeroKey ? 1 : 0;
    size = kept;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] == EMPTY) continue;
      int j = slot(oldKeys[i]);
      while (keys[j] != EMPTY) j = (j + 1) & mask;
      keys[j] = oldKeys[i];
      values[j] = oldValues[i];
      size++;
    }
  }
}
