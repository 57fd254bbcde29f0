package dev.switchboard.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard <command>}: one entry point over the gateway, the simulator and the benchmarks. */
@Command(name = "switchboard",
    mixinStandardHelpOptions = true,
    version = "switchboard 0.1.0",
    description = "An LLM inference gateway: routes OpenAI/SGLang requests to a fleet of model servers.",
    subcommands = {
        ServeCommand.class,
        PlanCommand.class,
        DemoCommand.class,
        dev.switchboard.sim.SimCommand.class,
        BenchGroup.class,
        dev.switchboard.text.TextCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new Failures());
    return cl;
  }
}
