package dev.switchboard.bench.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process the benchmark starts (nginx, haproxy) from a generated config, in the foreground so that it is a
 * child of this JVM: {@link #close} stops it (TERM, then KILL), and a shutdown hook stops it if the JVM exits first.
 */
public final class ExternalServer implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Thread hook;

  private ExternalServer(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.hook = new Thread(this::stop, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code command} and waits until every one of {@code ports} accepts connections on 127.0.0.1. */
  public static ExternalServer start(String name, List<String> command, Path dir, int... ports) throws IOException {
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ExternalServer s = new ExternalServer(name, p, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int port : ports) {
      while (!accepts(port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          s.close();
          throw new IOException(name + " did not start: " + Files.readString(log).strip());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          s.close();
          throw new IOException("interrupted while starting " + name);
        }
      }
    }
    return s;
  }

  /** Free ports on 127.0.0.1 for generated configs (a tiny race with other processes, acceptable for a benchmark). */
  public static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String name() { return name; }

  /** The process id (for {@code jcmd}). */
  public long pid() { return process.pid(); }

  private void stop() {
    if (!process.isAlive()) return;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }

  @Override
  public String toString() {
    return name + " (log " + log + ")";
  }
}
