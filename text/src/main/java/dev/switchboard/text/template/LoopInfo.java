package dev.switchboard.text.template;

import java.util.List;

/** The {@code loop} variable of a for loop; one instance per loop, advanced per iteration. */
final class LoopInfo {
  private final List<Object> items;
  private int index0;

  LoopInfo(List<Object> items) {
    this.items = items;
  }

  void advance(int index0) {
    this.index0 = index0;
  }

  int index0() {
    return index0;
  }

  int length() {
    return items.size();
  }

  Object attribute(String name) {
    int n = items.size();
    return switch (name) {
      case "index" -> (long) index0 + 1;
      case "index0" -> (long) index0;
      case "revindex" -> (long) (n - index0);
      case "revindex0" -> (long) (n - index0 - 1);
      case "first" -> index0 == 0;
      case "last" -> index0 == n - 1;
      case "length" -> (long) n;
      case "depth" -> 1L;
      case "depth0" -> 0L;
      case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.because("there is no previous item");
      case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : Undefined.because("there is no next item");
      case "cycle" -> (PyCallable) (frame, args, kwargs) -> {
        if (args.length == 0) {
          throw EvalError.typeError("no items for cycling given");
        }
        return args[index0 % args.length];
      };
      default -> Undefined.missingAttribute(this, name);
    };
  }
}
