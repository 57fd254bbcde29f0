package dev.switchboard.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a secret (an API key) in the deployment file comes from: the value itself, {@code ${ENV_VAR}} (the whole
 * value names an environment variable), or a file ({@code key_file:}, e.g. a mounted Kubernetes Secret; surrounding
 * whitespace and the trailing newline are dropped). Problems are {@link IllegalArgumentException}s whose message
 * the caller prefixes with the field; a message never contains the secret.
 */
public final class Secrets {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final Function<String, String> env;
  private final Path baseDir;

  /**
   * @param env looks up environment variables ({@code System::getenv} in production)
   * @param baseDir relative key files are read from here (the deployment file's directory)
   */
  public Secrets(Function<String, String> env, Path baseDir) {
    this.env = env;
    this.baseDir = baseDir;
  }

  public static Secrets fromEnvironment(Path baseDir) {
    return new Secrets(System::getenv, baseDir);
  }

  /** A literal key, or the value of the environment variable a {@code ${NAME}} value names. */
  public String value(String given) {
    Matcher m = ENV.matcher(given.strip());
    String key;
    if (m.matches()) {
      key = env.apply(m.group(1));
      if (key == null || key.isBlank()) throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set");
    } else {
      if (given.contains("${")) throw new IllegalArgumentException("'${' must enclose a whole value naming an environment variable, e.g. ${GATEWAY_KEY}");
      key = given;
    }
    return checked(key.strip());
  }

  /** The key stored in a file (relative paths are read from the deployment file's directory). */
  public String file(String path) {
    Path p = baseDir.resolve(path);
    String key;
    try {
      key = Files.readString(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key file " + p + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + p + ": " + e.getMessage());
    }
    key = key.strip();
    if (key.isEmpty()) throw new IllegalArgumentException("key file " + p + " is empty");
    return checked(key);
  }

  private static String checked(String key) {
    if (key.isEmpty()) throw new IllegalArgumentException("must not be empty");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) throw new IllegalArgumentException("keys are printable ASCII without spaces");
    }
    return key;
  }
}
