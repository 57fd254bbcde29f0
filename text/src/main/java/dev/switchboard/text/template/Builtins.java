package dev.switchboard.text.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The globals transformers gives a chat template: jinja2's {@code range}, {@code dict}, {@code namespace}, plus
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}.
 */
final class Builtins {
  static final Object MISSING = new Object();

  private final Map<String, Object> globals = new LinkedHashMap<>();

  Builtins(Clock clock) {
    globals.put("range", (PyCallable) (f, args, kwargs) -> range(args));
    globals.put("dict", (PyCallable) (f, args, kwargs) -> {
      Map<Object, Object> out = new LinkedHashMap<>();
      if (args.length > 0 && args[0] instanceof Map<?, ?> m) {
        out.putAll(m);
      }
      if (kwargs != null) {
        out.putAll(kwargs);
      }
      return out;
    });
    globals.put("namespace", (PyCallable) (f, args, kwargs) -> {
      Namespace ns = new Namespace();
      for (Object arg : args) {
        if (arg instanceof Map<?, ?> m) {
          m.forEach((k, v) -> ns.attributes.put(Py.str(k), v));
        }
      }
      if (kwargs != null) {
        ns.attributes.putAll(kwargs);
      }
      return ns;
    });
    globals.put("raise_exception", (PyCallable) (f, args, kwargs) -> {
      String message = args.length > 0 ? Py.str(args[0]) : "raise_exception called";
      throw new EvalError(TemplateException.Kind.RAISED, message);
    });
    globals.put("strftime_now", (PyCallable) (f, args, kwargs) -> {
      if (args.length != 1 || !(args[0] instanceof String format)) {
        throw EvalError.typeError("strftime_now() takes one format string");
      }
      return strftime(ZonedDateTime.now(clock), format);
    });
  }

  Object lookup(String name) {
    Object v = globals.get(name);
    return v == null ? MISSING : v;
  }

  private static List<Object> range(Object[] args) {
    for (Object a : args) {
      if (!(Py.isInt(a) || a instanceof Boolean)) {
        throw EvalError.typeError("'" + Py.typeName(a) + "' object cannot be interpreted as an integer");
      }
    }
    long start = 0;
    long stop;
    long step = 1;
    switch (args.length) {
      case 1 -> stop = Py.toLong(args[0]);
      case 2 -> {
        start = Py.toLong(args[0]);
        stop = Py.toLong(args[1]);
      }
      case 3 -> {
        start = Py.toLong(args[0]);
        stop = Py.toLong(args[1]);
        step = Py.toLong(args[2]);
      }
      default -> throw EvalError.typeError("range expected 1 to 3 arguments, got " + args.length);
    }
    if (step == 0) {
      throw new EvalError("ValueError: range() arg 3 must not be zero");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (out.size() >= 100_000) {
        throw new EvalError("OverflowError: range too big, maximum size for range is 100000");
      }
      out.add(i);
    }
    return out;
  }

  /** C strftime for the directives chat templates use (English names, like Python's C locale). */
  static String strftime(ZonedDateTime t, String format) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 >= format.length()) {
        sb.append(c);
        continue;
      }
      char d = format.charAt(++i);
      switch (d) {
        case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
        case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
        case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
        case 'Y' -> sb.append(t.getYear());
        case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
        case 'H' -> sb.append(String.format("%02d", t.getHour()));
        case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
        case 'M' -> sb.append(String.format("%02d", t.getMinute()));
        case 'S' -> sb.append(String.format("%02d", t.getSecond()));
        case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
        case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
        case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
        case 'u' -> sb.append(t.getDayOfWeek().getValue());
        case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'z' -> sb.append(t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", ""));
        case '%' -> sb.append('%');
        default -> sb.append('%').append(d);
      }
    }
    return sb.toString();
  }
}
