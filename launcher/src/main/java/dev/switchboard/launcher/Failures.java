package dev.switchboard.launcher;

import dev.switchboard.gateway.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns expected failures into one readable line and an exit code, instead of a stack trace. */
final class Failures implements IExecutionExceptionHandler {
  static final int CONFIG_ERROR = 2;
  static final int RUNTIME_ERROR = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    if (e instanceof ConfigException) {
      cl.getErr().println("switchboard: config error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
      cl.getErr().println("switchboard: " + e.getMessage());
      return RUNTIME_ERROR;
    }
    throw new RuntimeException(e);
  }
}
