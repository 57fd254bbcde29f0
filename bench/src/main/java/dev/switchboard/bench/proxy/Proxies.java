package dev.switchboard.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The nginx and haproxy processes of the overhead benchmark, each from a config generated into a scratch
 * directory: nginx as the fixed-body upstream (one worker process), nginx as a reverse proxy (2 worker processes)
 * and haproxy as a reverse proxy (2 threads) — equal CPU for each proxy, keep-alive to the upstream, no buffering
 * of streamed bodies.
 */
public final class Proxies {
  /** Request header that selects the upstream's SSE body; every proxy forwards it unchanged. */
  public static final String BODY_HEADER = "x-bench-body";

  private Proxies() {}

  /** The binary on PATH or in /usr/sbin, if installed. */
  public static Optional<String> binary(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin:/sbin";
    for (String d : path.split(":")) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return Optional.of(p.toString());
    }
    return Optional.empty();
  }

  /**
   * nginx answering from memory on every port: {@code /health} → OK, {@code /get_load} → no load, anything else →
   * {@code json}, or {@code sse} as {@code text/event-stream} when the request carries {@code x-bench-body: sse}.
   */
  public static ExternalServer nginxUpstream(String nginx, Path dir, int[] ports, String json, String sse) throws IOException {
    Path d = Files.createDirectories(dir.resolve("nginx-upstream"));
    StringBuilder listen = new StringBuilder();
    for (int p : ports) listen.append("    listen 127.0.0.1:").append(p).append(" reuseport backlog=4096;\n");
    String conf = common(d, 1) + "http {\n" + httpCommon(d)
        + "  server {\n" + listen
        + "    location = /health { default_type text/plain; return 200 'OK'; }\n"
        + "    location = /get_load { default_type application/json; return 200 '{\"num_reqs\":0}'; }\n"
        + "    location = /sse { internal; default_type text/event-stream; return 200 '" + quote(sse) + "'; }\n"
        + "    location / {\n"
        + "      if ($http_" + BODY_HEADER.replace('-', '_') + " = sse) { rewrite ^ /sse last; }\n"
        + "      default_type application/json; return 200 '" + quote(json) + "';\n"
        + "    }\n  }\n}\n";
    return start(nginx, "nginx-upstream", d, conf, ports);
  }

  /** nginx as a reverse proxy with 2 worker processes, keep-alive to the backends, streamed bodies unbuffered. */
  public static ExternalServer nginxProxy(String nginx, Path dir, int port, int[] backends) throws IOException {
    Path d = Files.createDirectories(dir.resolve("nginx-proxy"));
    StringBuilder up = new StringBuilder("  upstream backends {\n");
    for (int b : backends) up.append("    server 127.0.0.1:").append(b).append(";\n");
    up.append("    keepalive 128;\n  }\n");
    String conf = common(d, 2) + "http {\n" + httpCommon(d) + up
        + "  server {\n    listen 127.0.0.1:" + port + " backlog=4096;\n"
        + "    location / {\n      proxy_pass http://backends;\n      proxy_http_version 1.1;\n"
        + "      proxy_set_header Connection \"\";\n      proxy_buffering off;\n      proxy_request_buffering off;\n"
        + "    }\n  }\n}\n";
    return start(nginx, "nginx-proxy", d, conf, port);
  }

  /** haproxy 2.x as a reverse proxy with 2 threads, round robin over the backends, server connections reused. */
  public static ExternalServer haproxy(String haproxy, Path dir, int port, int[] backends) throws IOException {
    Path d = Files.createDirectories(dir.resolve("haproxy"));
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < backends.length; i++) servers.append("  server s").append(i).append(" 127.0.0.1:").append(backends[i]).append('\n');
    String conf = "global\n  nbthread 2\n  maxconn 4096\n\n"
        + "defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"
        + "  option http-keep-alive\n  http-reuse always\n\n"
        + "frontend fe\n  bind 127.0.0.1:" + port + "\n  default_backend be\n\n"
        + "backend be\n  balance roundrobin\n" + servers;
    Path cfg = d.resolve("haproxy.cfg");
    Files.writeString(cfg, conf, StandardCharsets.UTF_8);
    return ExternalServer.start("haproxy", List.of(haproxy, "-db", "-f", cfg.toString()), d, port);
  }

  private static ExternalServer start(String nginx, String name, Path d, String conf, int... ports) throws IOException {
    Path cfg = d.resolve("nginx.conf");
    Files.writeString(cfg, conf, StandardCharsets.UTF_8);
    return ExternalServer.start(name, List.of(nginx, "-p", d.toString(), "-c", cfg.toString()), d, ports);
  }

  private static String common(Path d, int workers) {
    boolean root = "root".equals(System.getProperty("user.name"));
    return (root ? "user root;\n" : "") + "daemon off;\nmaster_process on;\nworker_processes " + workers + ";\n"
        + "pid " + d.resolve("nginx.pid") + ";\nerror_log " + d.resolve("error.log") + " warn;\n"
        + "events { worker_connections 4096; }\n";
  }

  private static String httpCommon(Path d) {
    return "  access_log off;\n  keepalive_requests 1000000;\n  keepalive_timeout 120s;\n"
        + "  client_body_temp_path " + d.resolve("body") + ";\n  proxy_temp_path " + d.resolve("proxy") + ";\n"
        + "  fastcgi_temp_path " + d.resolve("fastcgi") + ";\n  uwsgi_temp_path " + d.resolve("uwsgi") + ";\n"
        + "  scgi_temp_path " + d.resolve("scgi") + ";\n";
  }

  /** The body as an nginx single-quoted string: backslash, quote and newline escaped; no variables expand. */
  private static String quote(String s) {
    if (s.indexOf('$') >= 0) throw new IllegalArgumentException("nginx would expand '$' in a return body");
    return s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n");
  }
}
