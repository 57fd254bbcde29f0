package dev.switchboard.text.template;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Supplier;

/**
 * What jinja2 filters such as {@code select}, {@code map} or {@code batch} return: a lazy Python generator. Its
 * items are computed on first use (so errors surface only when it is consumed, as in Python); it is always truthy,
 * has no length, cannot be indexed and prints as Python prints a generator.
 */
final class PyIterator extends AbstractList<Object> implements RandomAccess {
  private final Supplier<List<Object>> producer;
  private final String pythonName;
  private List<Object> items;

  PyIterator(Supplier<List<Object>> producer, String pythonName) {
    this.producer = producer;
    this.pythonName = pythonName;
  }

  /** How Python prints it, e.g. {@code <generator object select_or_reject at 0x...>}. */
  String pythonName() {
    return pythonName;
  }

  private List<Object> items() {
    if (items == null) {
      items = producer.get();
    }
    return items;
  }

  @Override
  public Object get(int index) {
    return items().get(index);
  }

  @Override
  public int size() {
    return items().size();
  }
}
