package dev.switchboard.gateway.api.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see the console when the gateway has an admin key: a request with {@code Authorization: Bearer <key>},
 * or a browser holding the console cookie, which the login form sets. The cookie holds an HMAC of a fixed text
 * under the key, never the key itself: it is worthless once the key changes. Comparisons take constant time.
 */
final class ConsoleAuth {
  static final String COOKIE = "switchboard_console";
  private final byte[] key;
  private final String token;

  /** @param adminKey the admin key, or null when the console is open */
  ConsoleAuth(String adminKey) {
    this.key = adminKey == null ? null : adminKey.getBytes(StandardCharsets.UTF_8);
    this.token = adminKey == null ? null : hmac(key);
  }

  boolean required() {
    return key != null;
  }

  boolean allows(HttpServerRequest request) {
    if (key == null) return true;
    String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && keyMatches(auth.substring(7).strip())) return true;
    Cookie c = request.getCookie(COOKIE);
    return c != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII), c.getValue().getBytes(StandardCharsets.US_ASCII));
  }

  boolean keyMatches(String given) {
    return key != null && given != null && MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8));
  }

  /** The cookie a correct login gets: HTTP-only, same-site strict, for the console's paths only. */
  Cookie cookie() {
    return Cookie.cookie(COOKIE, token).setPath("/console").setHttpOnly(true).setSameSite(CookieSameSite.STRICT);
  }

  private static String hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal("switchboard-console-v1".getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
