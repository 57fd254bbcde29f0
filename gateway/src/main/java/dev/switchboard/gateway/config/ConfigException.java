package dev.switchboard.gateway.config;

/** A deployment that cannot run. The message is one readable line naming the field (and line) at fault. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
