package dev.switchboard.launcher;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.ConfigException;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.policy.PolicySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway for a deployment file. Flags override the file's gateway section.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "deployment YAML (see examples/)")
  Path config;

  @Option(names = "--host", description = "listen address (file: gateway.host, default 0.0.0.0)")
  String host;

  @Option(names = "--port", description = "listen port (file: gateway.port, default 30000)")
  Integer port;

  @Option(names = "--policy", description = "default policy for every pool (file: gateway.policy)")
  String policy;

  @Option(names = "--api-key", description = "require 'Authorization: Bearer KEY' on inference routes")
  String apiKey;

  @Option(names = "--request-timeout-secs", description = "time a worker may take to answer / stay silent in a stream")
  Integer requestTimeoutSecs;

  @Override
  public Integer call() throws InterruptedException {
    DeploymentConfig deployment = ConfigLoader.load(config);
    deployment = deployment.withGateway(overrides(deployment.gateway()));
    Gateway gateway = Gateway.start(deployment);
    // Edits to the file (and SIGHUP) are applied live; the command line's overrides still win.
    gateway.watchConfig(config, d -> d.withGateway(overrides(d.gateway())), true);
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable close = () -> {
      if (closed.compareAndSet(false, true)) gateway.close();
      stopped.countDown();
    };
    // SIGTERM (and Ctrl-C) drain gracefully and exit 0; so does a drain started with POST /drain.
    for (String signal : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> gateway.drain());
      } catch (IllegalArgumentException unsupported) {
        // not on this platform: the shutdown hook below still closes the gateway
      }
    }
    // Closing blocks, so it never runs on the event loop that saw the last request end: the main thread does it.
    gateway.drainState().finished().onComplete(done -> stopped.countDown());
    Runtime.getRuntime().addShutdownHook(new Thread(close, "switchboard-shutdown"));
    System.out.printf("switchboard listening on %s:%d%n%n%s%n", deployment.gateway().host(), gateway.port(),
        Tables.plan(gateway.routers().plan()));
    stopped.await();
    close.run();
    System.out.println("switchboard drained and stopped");
    return 0;
  }

  GatewaySettings overrides(GatewaySettings g) {
    if (host != null) g = g.withHost(host);
    if (port != null) {
      if (port < 0 || port > 65535) throw new ConfigException("--port: " + port + " is out of range [0, 65535]");
      g = g.withPort(port);
    }
    if (policy != null) {
      if (!PolicySpec.NAMES.contains(policy)) {
        throw new ConfigException("--policy: unknown policy '" + policy + "' (known: " + String.join(", ", List.copyOf(new java.util.TreeSet<>(PolicySpec.NAMES))) + ")");
      }
      g = g.withPolicy(PolicySpec.named(policy));
    }
    if (apiKey != null) g = g.withApiKey(apiKey);
    if (requestTimeoutSecs != null) {
      if (requestTimeoutSecs < 1) throw new ConfigException("--request-timeout-secs: must be >= 1");
      g = g.withTimeouts(g.timeouts().withFirstByte(Duration.ofSeconds(requestTimeoutSecs)).withIdle(Duration.ofSeconds(requestTimeoutSecs)));
    }
    return g;
  }
}
