package dev.switchboard.text.template;

import java.util.Map;

/** Something a template can call: a builtin, a macro, {@code caller}, or a bound method. */
interface PyCallable {
  /** @param kwargs keyword arguments, or {@code null} when there are none */
  Object call(Frame frame, Object[] args, Map<String, Object> kwargs);
}
