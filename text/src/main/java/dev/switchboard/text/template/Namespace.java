package dev.switchboard.text.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object {@code namespace(...)} returns: the one thing a template may assign attributes to. */
final class Namespace {
  final Map<String, Object> attributes = new LinkedHashMap<>();
}
