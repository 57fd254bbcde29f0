package dev.switchboard.text.template;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** {@code dict.keys()/values()/items()}: sized and iterable like a list, printed as {@code dict_keys([...])}. */
final class PyView extends AbstractList<Object> implements RandomAccess {
  private final List<Object> items;
  private final String kind;

  PyView(List<Object> items, String kind) {
    this.items = items;
    this.kind = kind;
  }

  String kind() {
    return kind;
  }

  @Override
  public Object get(int index) {
    return items.get(index);
  }

  @Override
  public int size() {
    return items.size();
  }
}
