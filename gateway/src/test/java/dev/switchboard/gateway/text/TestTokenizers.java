package dev.switchboard.gateway.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared tokenizer test data ({@code ../shared/testdata/tokenizers} beside the repository). */
public final class TestTokenizers {
  private static Tokenizer qwen3;

  private TestTokenizers() {}

  public static Path dir(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/testdata/tokenizers").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/testdata/tokenizers/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  /** One Qwen3 tokenizer shared by all tests of the JVM (loading takes about half a second). */
  public static synchronized Tokenizer qwen3() {
    if (qwen3 == null) {
      try {
        qwen3 = Tokenizer.load(dir("qwen3"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return qwen3;
  }
}
