package dev.switchboard.gateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Compares a client's bearer token with one configured key in constant time. One instance per key: the gateway
 * key (inference routes) and the admin key (worker API, status routes showing worker URLs).
 *
 * @param what how error messages name the key, e.g. "gateway key"
 */
final class ApiKeyCheck {
  private final byte[] expected;
  private final String what;

  ApiKeyCheck(String key) {
    this(key, "gateway key");
  }

  ApiKeyCheck(String key, String what) {
    this.expected = key.getBytes(StandardCharsets.UTF_8);
    this.what = what;
  }

  /** A check for {@code key}, or {@code null} when no key is configured (the routes are open). */
  static ApiKeyCheck ofNullable(String key, String what) {
    return key == null ? null : new ApiKeyCheck(key, what);
  }

  boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }

  String what() {
    return what;
  }
}
