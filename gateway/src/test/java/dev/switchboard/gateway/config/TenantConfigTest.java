package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway.api_keys} and {@code gateway.access_log}. */
class TenantConfigTest {
  @TempDir Path dir;

  private GatewaySettings parse(String gateway, Map<String, String> env) {
    return ConfigLoader.parse("gateway:\n" + gateway + "workers: []\n", "deploy.yaml", new Secrets(env::get, dir)).gateway();
  }

  private void assertError(String gateway, String... fragments) {
    assertThatThrownBy(() -> parse(gateway, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain("\n").startsWith("deploy.yaml line ");
          for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
  }

  @Test
  void keysComeInlineFromTheEnvironmentOrFromAFileWithTheirLimits() throws Exception {
    Files.writeString(dir.resolve("team-b.key"), "key-from-file\n");
    GatewaySettings g = parse("""
          access_log: true
          api_keys:
            - {name: team-a, key: "${TEAM_A_KEY}", rpm: 600, tpm: 200000, priority: 10}
            - {name: team-b, key_file: team-b.key}
            - {name: team.c, key: literal-key, rpm: 5}
        """, Map.of("TEAM_A_KEY", "key-from-env"));
    assertThat(g.accessLog()).isTrue();
    assertThat(g.apiKeys()).containsExactly(
        new ClientKey("team-a", "key-from-env", 600, 200000, 10),
        new ClientKey("team-b", "key-from-file", 0, 0, 0),
        new ClientKey("team.c", "literal-key", 5, 0, 0));
    assertThat(g.apiKeys().getFirst().toString()).doesNotContain("key-from-env");
    assertThat(parse("  port: 8080\n", Map.of()).apiKeys()).isEmpty();
    assertThat(parse("  port: 8080\n", Map.of()).accessLog()).isFalse();
  }

  @Test
  void badKeysStopStartupWithOneLineNamingTheField() {
    assertError("  api_keys: [{key: k}]\n", "gateway.api_keys[0].name: is required");
    assertError("  api_keys: [{name: a}]\n", "gateway.api_keys[0]: give exactly one of key or key_file");
    assertError("  api_keys: [{name: a, key: k, key_file: f}]\n", "gateway.api_keys[0]: give exactly one");
    assertError("  api_keys: [{name: a, key: \"${NOT_SET_ANYWHERE}\"}]\n", "gateway.api_keys[0].key: environment variable NOT_SET_ANYWHERE is not set");
    assertError("  api_keys: [{name: a, key_file: missing.key}]\n", "gateway.api_keys[0].key_file: key file", "does not exist");
    assertError("  api_keys: [{name: a, key: k1}, {name: a, key: k2}]\n", "gateway.api_keys[1].name: duplicate name 'a'");
    assertError("  api_keys: [{name: a, key: same}, {name: b, key: same}]\n", "gateway.api_keys[1].key: the same key as gateway.api_keys[0]");
    assertError("  api_keys: [{name: anonymous, key: k}]\n", "gateway.api_keys[0].name: 'anonymous' is reserved");
    assertError("  api_keys: [{name: \"a b\", key: k}]\n", "gateway.api_keys[0].name: 'a b' must be");
    assertError("  api_keys: [{name: a, key: k, rpm: -1}]\n", "gateway.api_keys[0].rpm: -1 is out of range");
    assertError("  api_keys: [{name: a, key: k, colour: red}]\n", "gateway.api_keys[0].colour: unknown field");
    assertError("  api_keys: {name: a}\n", "gateway.api_keys: must be a list");
    assertError("  access_log: yes please\n", "gateway.access_log: 'yes please' is not true or false");
    // the secret never appears in a message
    assertThatThrownBy(() -> parse("  api_keys: [{name: a, key: s3cr3t-value}, {name: b, key: s3cr3t-value}]\n", Map.of()))
        .hasMessageNotContaining("s3cr3t-value");
  }
}
