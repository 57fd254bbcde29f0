package dev.switchboard.bench;

import dev.switchboard.bench.routing.RoutingBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard bench <benchmark>}: the project's benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks of the gateway.",
    subcommands = {RoutingBenchCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public BenchCommand() {}

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
