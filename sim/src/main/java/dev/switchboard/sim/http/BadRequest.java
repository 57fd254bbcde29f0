package dev.switchboard.sim.http;

/** A request the simulator rejects with 400 and this message. */
final class BadRequest extends RuntimeException {
    BadRequest(String message) {
        super(message, null, false, false);
    }
}
