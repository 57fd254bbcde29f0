package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root from wherever the tests run. */
public final class RepoFiles {
  private RepoFiles() {}

  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("examples/seed-deployment.yaml"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
    return p;
  }

}
