package dev.switchboard.gateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Compares a client's bearer token with the gateway key in constant time. */
final class ApiKeyCheck {
  private final byte[] expected;

  ApiKeyCheck(String key) {
    this.expected = key.getBytes(StandardCharsets.UTF_8);
  }

  boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }
}
