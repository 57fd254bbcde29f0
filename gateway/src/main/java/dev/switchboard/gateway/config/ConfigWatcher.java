package dev.switchboard.gateway.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the deployment file when it changes (a watch on its directory, so a Kubernetes ConfigMap's symlink swap
 * counts) or on SIGHUP, and hands a valid new deployment on. Events are gathered for {@code debounce}; a file whose
 * bytes did not change is not applied again. An invalid file keeps the running configuration and logs one line
 * naming the field.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Path file;
  private final Supplier<DeploymentConfig> load;
  private final Consumer<DeploymentConfig> apply;
  private final Duration debounce;
  private final WatchService watch;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean reloadRequested;
  private volatile String lastError;
  private final AtomicLong applied = new AtomicLong();
  private String lastText;

  /**
   * @param load reads and validates the file (with any command-line overrides applied)
   * @param apply takes a valid new deployment
   */
  public ConfigWatcher(Path file, Supplier<DeploymentConfig> load, Consumer<DeploymentConfig> apply, Duration debounce) {
    this.file = file.toAbsolutePath();
    this.load = load;
    this.apply = apply;
    this.debounce = debounce;
    this.lastText = read();
    try {
      this.watch = this.file.getFileSystem().newWatchService();
      this.file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      throw new ConfigException("cannot watch " + file + " for changes: " + e.getMessage());
    }
    this.thread = Thread.ofPlatform().daemon().name("config-watcher").start(this::run);
  }

  /** Re-reads the file on SIGHUP, where the platform has signals (best effort: absent on some JVMs). */
  public ConfigWatcher onSighup() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> requestReload());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.info("SIGHUP is not available here ({}); the file is still watched", e.getMessage());
    }
    return this;
  }

  /** Asks for a re-read now (SIGHUP); applied even when the bytes are unchanged. */
  public void requestReload() {
    reloadRequested = true;
    thread.interrupt();
  }

  /** The last rejected file's one-line error, or {@code null} when the last read was valid. */
  public String lastError() { return lastError; }

  /** How many re-read files were applied. */
  public long applied() { return applied.get(); }

  private void run() {
    while (!closed) {
      try {
        WatchKey key = watch.take();
        key.pollEvents();
        key.reset();
        // Gather the burst of events an editor or a ConfigMap update makes.
        WatchKey more;
        while ((more = watch.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          more.pollEvents();
          more.reset();
        }
        reloadIfChanged(false);
      } catch (InterruptedException e) {
        if (closed) return;
        if (reloadRequested) {
          reloadRequested = false;
          reloadIfChanged(true);
        }
      } catch (ClosedWatchServiceException e) {
        return;
      }
    }
  }

  private void reloadIfChanged(boolean force) {
    String text = read();
    if (text == null || (!force && text.equals(lastText))) return;
    lastText = text;
    DeploymentConfig next;
    try {
      next = load.get();
    } catch (ConfigException e) {
      lastError = e.getMessage();
      log.error("config reload rejected, keeping the running configuration: {}", e.getMessage());
      return;
    }
    lastError = null;
    try {
      apply.accept(next);
      applied.incrementAndGet();
    } catch (RuntimeException e) {
      log.error("config reload failed while applying: {}", e.getMessage(), e);
    }
  }

  private String read() {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return null; // mid-swap or removed: the next event reads it again
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      watch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    thread.interrupt();
  }
}
