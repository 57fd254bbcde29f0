package dev.switchboard.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load driven by {@code wrk} (a separate process, {@code threads} threads, never more than the connections):
 * POSTs of one body, and a Lua {@code done} hook that prints the exact counts and percentiles in microseconds.
 */
public final class WrkLoad implements HttpLoad {
  private static final String MARK = "SWITCHBOARD-WRK";

  private final String wrk;
  private final int threads;
  private final Path dir;

  /** @param dir a scratch directory for the Lua scripts and bodies (the caller removes it) */
  public WrkLoad(String wrk, int threads, Path dir) {
    this.wrk = wrk;
    this.threads = threads;
    this.dir = dir;
  }

  @Override
  public String describe() {
    return "wrk, " + threads + " threads";
  }

  @Override
  public LoadStats run(int port, String path, byte[] body, Map<String, String> headers, int connections, Duration warmup,
      Duration duration) throws IOException, InterruptedException {
    Path bodyFile = Files.createTempFile(dir, "body", ".json");
    Files.write(bodyFile, body);
    Path script = Files.createTempFile(dir, "post", ".lua");
    Files.writeString(script, script(bodyFile, headers), StandardCharsets.UTF_8);
    String url = "http://127.0.0.1:" + port + path;
    if (!warmup.isZero()) once(url, script, connections, warmup);
    return once(url, script, connections, duration);
  }

  private LoadStats once(String url, Path script, int connections, Duration duration) throws IOException, InterruptedException {
    int t = Math.max(1, Math.min(threads, connections));
    List<String> cmd = new ArrayList<>(List.of(wrk, "-t" + t, "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s",
        "--timeout", "10s", "-s", script.toString(), url));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("wrk did not finish");
    }
    for (String line : out.split("\n")) {
      if (!line.startsWith(MARK + " ")) continue;
      String[] f = line.trim().split(" ");
      long requests = Long.parseLong(f[1]);
      long micros = Long.parseLong(f[2]);
      long errors = Long.parseLong(f[3]);
      long ok = requests - errors;
      return new LoadStats(ok, errors, micros == 0 ? 0 : ok * 1e6 / micros, Long.parseLong(f[4]), Long.parseLong(f[5]));
    }
    throw new IOException("wrk printed no result (exit " + p.exitValue() + "): " + out.strip());
  }

  private static String script(Path bodyFile, Map<String, String> headers) {
    StringBuilder sb = new StringBuilder();
    sb.append("local f = io.open(\"").append(bodyFile).append("\", \"rb\")\n");
    sb.append("wrk.body = f:read(\"*a\")\nf:close()\n");
    sb.append("wrk.method = \"POST\"\n");
    sb.append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    headers.forEach((k, v) -> sb.append("wrk.headers[\"").append(k).append("\"] = \"").append(v).append("\"\n"));
    // summary.errors.status counts responses other than 2xx/3xx; latencies are in microseconds
    sb.append("done = function(summary, latency, requests)\n")
        .append("  local e = summary.errors\n")
        .append("  io.write(string.format(\"").append(MARK).append(" %d %d %d %d %d\\n\", summary.requests, summary.duration,")
        .append(" e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(99)))\n")
        .append("end\n");
    return sb.toString();
  }

  @Override
  public void close() {}
}
