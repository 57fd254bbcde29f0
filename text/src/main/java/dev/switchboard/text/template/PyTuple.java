package dev.switchboard.text.template;

import java.util.AbstractList;
import java.util.RandomAccess;

/** An immutable Python tuple (prints as {@code (a, b)}; never equal to a list). */
final class PyTuple extends AbstractList<Object> implements RandomAccess {
  private final Object[] items;

  PyTuple(Object... items) {
    this.items = items;
  }

  @Override
  public Object get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }
}
