package dev.switchboard.gateway.exchange;

/** A request the gateway refuses to route, carrying the error the client gets. */
public final class BadRequestException extends RuntimeException {
  private final OpenAiError error;

  public BadRequestException(OpenAiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public OpenAiError error() {
    return error;
  }
}
