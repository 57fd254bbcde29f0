package dev.switchboard.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Tokenizer files shipped inside this library: Qwen3's (Apache-2.0, see {@code bundled/qwen3/NOTICE}), for the demo,
 * the benchmarks and the tests. DJL loads tokenizers from files, so the first use copies them to a temporary
 * directory, once per JVM.
 */
public final class BundledTokenizers {
  private static final List<String> QWEN3_FILES = List.of("tokenizer.json", "tokenizer_config.json", "LICENSE", "NOTICE");
  private static Path qwen3Dir;
  private static Tokenizer qwen3;

  private BundledTokenizers() {}

  /** A directory holding Qwen3's {@code tokenizer.json} and {@code tokenizer_config.json}. */
  public static synchronized Path qwen3Dir() {
    if (qwen3Dir == null) qwen3Dir = extract("qwen3", QWEN3_FILES);
    return qwen3Dir;
  }

  /** One Qwen3 tokenizer per JVM (loading takes about half a second). */
  public static synchronized Tokenizer qwen3() {
    if (qwen3 == null) {
      try {
        qwen3 = Tokenizer.load(qwen3Dir());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return qwen3;
  }

  private static Path extract(String name, List<String> files) {
    try {
      Path dir = Files.createTempDirectory("switchboard-tokenizer-" + name + "-");
      dir.toFile().deleteOnExit();
      for (String file : files) {
        try (InputStream in = BundledTokenizers.class.getResourceAsStream("bundled/" + name + "/" + file)) {
          if (in == null) throw new IllegalStateException("bundled tokenizer file " + name + "/" + file + " is missing");
          Path target = dir.resolve(file);
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          target.toFile().deleteOnExit();
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the bundled " + name + " tokenizer: " + e.getMessage(), e);
    }
  }
}
