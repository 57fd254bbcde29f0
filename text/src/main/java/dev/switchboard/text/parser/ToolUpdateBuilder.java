package dev.switchboard.text.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects the output of one push: normal text and tool-call deltas, merging fragments of the same call. */
final class ToolUpdateBuilder {
  private final Supplier<String> ids;
  private final StringBuilder normal = new StringBuilder();
  private final List<Entry> entries = new ArrayList<>();
  private int calls;

  ToolUpdateBuilder(Supplier<String> ids) {
    this.ids = ids;
  }

  void normal(CharSequence text) {
    normal.append(text);
  }

  /** Starts the next tool call (its first delta carries a new id and the name); returns its index. */
  int begin(String name) {
    int index = calls++;
    entries.add(new Entry(index, ids.get(), name));
    return index;
  }

  void arguments(int index, CharSequence fragment) {
    if (fragment.isEmpty()) {
      return;
    }
    Entry last = entries.isEmpty() ? null : entries.getLast();
    if (last == null || last.index != index) {
      last = new Entry(index, null, null);
      entries.add(last);
    }
    last.arguments.append(fragment);
  }

  ToolStreamUpdate drain() {
    if (normal.isEmpty() && entries.isEmpty()) {
      return ToolStreamUpdate.EMPTY;
    }
    List<ToolCallDelta> deltas = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      deltas.add(new ToolCallDelta(e.index, e.id, e.name, e.arguments.toString()));
    }
    ToolStreamUpdate update = new ToolStreamUpdate(normal.toString(), deltas);
    normal.setLength(0);
    entries.clear();
    return update;
  }

  private static final class Entry {
    final int index;
    final String id;
    final String name;
    final StringBuilder arguments = new StringBuilder();

    Entry(int index, String id, String name) {
      this.index = index;
      this.id = id;
      this.name = name;
    }
  }
}
