package dev.switchboard.gateway.api.console;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's files, read from the jar ({@code console/} on the class path) once, at startup, and served from
 * memory: no file cache on disk, no path from a request ever reaches the class loader.
 */
final class ConsoleAssets {
  record Asset(Buffer bytes, String contentType) {}

  private static final Map<String, String> FILES = Map.of(
      "console.js", "text/javascript; charset=utf-8",
      "login.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  private final Map<String, Asset> assets;
  private final Buffer page;
  private final Buffer loginPage;

  private ConsoleAssets(Map<String, Asset> assets, Buffer page, Buffer loginPage) {
    this.assets = assets;
    this.page = page;
    this.loginPage = loginPage;
  }

  static ConsoleAssets load() {
    Map<String, Asset> out = new java.util.HashMap<>();
    FILES.forEach((name, type) -> out.put(name, new Asset(read("console/assets/" + name), type)));
    return new ConsoleAssets(Map.copyOf(out), read("console/index.html"), read("console/login.html"));
  }

  /** The named asset, or null. */
  Asset get(String name) {
    return assets.get(name);
  }

  Buffer page() { return page; }
  Buffer loginPage() { return loginPage; }

  private static Buffer read(String path) {
    try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("console resource " + path + " is missing from the jar");
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
