package dev.switchboard.gateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Finds the key a client's bearer token matches, in constant time: the token's SHA-256 is compared with every
 * key's (fixed length, {@link MessageDigest#isEqual}, no early exit), so neither which key matched nor a key's
 * length shows in the timing. Keys are held only as digests. One instance per kind of key: the client keys
 * (each with its tenant; the single {@code gateway.api_key} is tenant {@value Tenant#DEFAULT}) and the admin key.
 */
final class ApiKeyCheck {
  private final byte[][] digests;
  private final Tenant[] tenants;
  private final String what;

  /** One key, the single {@code gateway.api_key}. */
  ApiKeyCheck(String key) {
    this(key, "gateway key");
  }

  /** @param what how error messages name the key, e.g. "admin key" */
  ApiKeyCheck(String key, String what) {
    this(Map.of(key, Tenant.unlimited(Tenant.DEFAULT)), what);
  }

  /** @param keys each key with its tenant */
  ApiKeyCheck(Map<String, Tenant> keys, String what) {
    List<Map.Entry<String, Tenant>> entries = List.copyOf(keys.entrySet());
    digests = new byte[entries.size()][];
    tenants = new Tenant[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      digests[i] = sha256(entries.get(i).getKey());
      tenants[i] = entries.get(i).getValue();
    }
    this.what = what;
  }

  /** A check for {@code key}, or {@code null} when no key is configured (the routes are open). */
  static ApiKeyCheck ofNullable(String key, String what) {
    return key == null ? null : new ApiKeyCheck(key, what);
  }

  boolean accepts(String authorization) {
    return tenantOf(authorization) != null;
  }

  /** The tenant whose key the {@code Authorization: Bearer} header carries, or {@code null}. */
  Tenant tenantOf(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    byte[] given = sha256(authorization.substring(7).strip());
    Tenant found = null;
    for (int i = 0; i < digests.length; i++) {
      if (MessageDigest.isEqual(digests[i], given)) found = tenants[i];
    }
    return found;
  }

  String what() {
    return what;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
