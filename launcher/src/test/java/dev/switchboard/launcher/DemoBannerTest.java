package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code switchboard demo} tells the user where the console is. */
class DemoBannerTest {
  @Test
  void theDemoPrintsTheConsolesUrl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.commandLine().execute("demo", "--port", "0", "--exit-when-ready");
    } finally {
      System.setOut(original);
    }
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("Console: http://127\\.0\\.0\\.1:\\d+/console ");
  }
}
