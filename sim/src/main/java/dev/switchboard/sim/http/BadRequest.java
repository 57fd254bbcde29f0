package dev.switchboard.sim.http;

/** A request the simulator rejects with 400 and this message (also from admission checks). */
public final class BadRequest extends RuntimeException {
  public BadRequest(String message) {
    super(message, null, false, false);
  }
}
