package dev.switchboard.gateway.api;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's {@code x-request-id} when it is sane, else a fresh one with the endpoint's prefix. */
final class RequestIds {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int MAX_CLIENT_ID_LENGTH = 256;

  private RequestIds() {}

  /** Accepts visible ASCII without spaces, up to 256 characters: safe to log and to put in a header. */
  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_CLIENT_ID_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
  }

  static String generate(String prefix) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[24];
    for (int i = 0; i < out.length; i++) out[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    return prefix + new String(out);
  }

}
