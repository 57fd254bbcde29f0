package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher's commands as a user runs them: output, exit codes, one-line config errors. */
class CommandsTest {

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  private static Path seed() {
    Path p = Path.of("").toAbsolutePath();
    while (!Files.exists(p.resolve("examples/seed-deployment.yaml"))) p = p.getParent();
    return p.resolve("examples/seed-deployment.yaml");
  }

  @Test
  void planPrintsTheSeedsRoutersAsJson() {
    Run r = run("plan", "--json", seed().toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out().strip()).isEqualTo(
        "{\"routers\":{\"http-regular\":[\"llama-3.1-8b\",\"qwen-2.5\"],\"http-pd\":[\"llama-3.1-8b\"],\"grpc-regular\":[\"mistral-7b\"]}}");
  }

  @Test
  void planTableNamesEveryRouter() {
    Run r = run("plan", seed().toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("http-regular   llama-3.1-8b, qwen-2.5", "http-pd        llama-3.1-8b",
        "grpc-regular   mistral-7b", "grpc-pd        (not created");
  }

  @Test
  void configErrorsAreOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "workers:\n  - url: grpc://a:1\n    model: m\n    connection: http\n");
    for (String[] args : new String[][] {{"plan", bad.toString()}, {"serve", "--config", bad.toString()}}) {
      Run r = run(args);
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err().strip()).doesNotContain("\n").startsWith("switchboard: config error: ")
          .contains("line 4", "workers[0].connection");
    }
    Run missing = run("serve", "--config", dir.resolve("nope.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("config file not found");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : new String[] {"serve", "plan", "demo", "sim", "bench", "text"}) {
      Run r = run(sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage:");
    }
  }
}
