package dev.switchboard.gateway.config;

/** A deployment that cannot run. The message is one readable line naming the field (and line) at fault. */
public final class ConfigException extends RuntimeException {
  private final String field;

  public ConfigException(String message) {
    this(message, null);
  }

  /** @param field the field path at fault, e.g. {@code workers[2].type}, or {@code null} */
  public ConfigException(String message, String field) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The field path at fault ({@code workers[2].type}), or {@code null} when the problem is not one field's. */
  public String field() {
    return field;
  }
}
