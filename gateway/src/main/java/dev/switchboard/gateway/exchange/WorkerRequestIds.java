package dev.switchboard.gateway.exchange;

import java.util.concurrent.ThreadLocalRandom;

/** Ids the gateway gives requests at the workers: {@code sb-} and 24 random characters (143 bits), never a client's. */
final class WorkerRequestIds {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private WorkerRequestIds() {}

  static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[27];
    out[0] = 's';
    out[1] = 'b';
    out[2] = '-';
    for (int i = 3; i < out.length; i++) out[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    return new String(out);
  }
}
