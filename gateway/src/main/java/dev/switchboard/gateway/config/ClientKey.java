package dev.switchboard.gateway.config;

/**
 * One client key of {@code gateway.api_keys}: its name is the tenant in metrics and logs.
 *
 * @param key the secret itself, already resolved from {@code ${ENV}} or {@code key_file}
 * @param rpm requests per minute, 0 = unlimited
 * @param tpm tokens (prompt + completion, from the workers' usage) per minute, 0 = unlimited
 * @param priority the default priority of the tenant's requests (admission control)
 */
public record ClientKey(String name, String key, long rpm, long tpm, int priority) {
  /** The key is a secret: never in logs. */
  @Override
  public String toString() {
    return "ClientKey[" + name + " rpm=" + rpm + " tpm=" + tpm + " priority=" + priority + "]";
  }
}
