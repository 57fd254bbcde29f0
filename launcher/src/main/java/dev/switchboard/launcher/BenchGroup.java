package dev.switchboard.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard bench <benchmark>}: benchmarks live in module {@code bench}; results go to docs/PERFORMANCE.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark (long-running; not part of the tests).",
    subcommands = {
        dev.switchboard.bench.OverheadBench.class,
        dev.switchboard.bench.PdOverheadBench.class,
        dev.switchboard.bench.routing.RoutingBenchCommand.class,
        dev.switchboard.bench.GrpcTokenCostBench.class,
        dev.switchboard.bench.chaos.ChaosBench.class,
        dev.switchboard.bench.StreamsBench.class})
final class BenchGroup implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
