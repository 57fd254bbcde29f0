package dev.switchboard.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.text.chat.ChatPrompt;
import dev.switchboard.text.chat.ChatPromptException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code switchboard text ...}: tools for checking the gateway's text pipeline against other implementations. */
@Command(
    name = "text",
    description = "Text pipeline tools (chat templates, tokenization).",
    mixinStandardHelpOptions = true,
    subcommands = {TextCommand.Render.class})
public final class TextCommand implements Runnable {
  @Spec private CommandSpec spec;

  public TextCommand() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the prompt (or its token ids) the gateway would build for an OpenAI chat request. */
  @Command(
      name = "render",
      description = "Print the prompt the gateway builds for an OpenAI chat request (exit 2 if the request is invalid).",
      mixinStandardHelpOptions = true)
  static final class Render implements Callable<Integer> {
    static final int INVALID_REQUEST = 2;

    @Spec private CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "DIR",
        description = "Directory with tokenizer.json and tokenizer_config.json (or the tokenizer.json path).")
    private Path tokenizer;

    @Option(names = "--request", required = true, paramLabel = "FILE",
        description = "Chat-completions request body (JSON); '-' reads standard input.")
    private String request;

    @Option(names = "--chat-template", paramLabel = "FILE", description = "Use this Jinja template instead of the tokenizer's.")
    private Path chatTemplate;

    @Option(names = "--ids", description = "Print the prompt's token ids (a JSON array) instead of its text.")
    private boolean ids;

    @Override
    public Integer call() throws IOException {
      quietNativeLibraryLogs();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      JsonNode body;
      try (InputStream in = request.equals("-") ? System.in : Files.newInputStream(Path.of(request))) {
        body = new ObjectMapper().readTree(in);
      }
      String prompt;
      try (Tokenizer tok = ids ? Tokenizer.load(tokenizer) : null) {
        TokenizerConfig config = tok != null ? tok.config() : Tokenizer.loadConfig(tokenizer);
        ChatPrompt chat = chatTemplate != null
            ? ChatPrompt.withTemplate(Files.readString(chatTemplate), config)
            : ChatPrompt.forConfig(config);
        prompt = chat.render(body);
        if (tok != null) {
          int[] tokenIds = tok.encode(prompt);
          StringBuilder sb = new StringBuilder(tokenIds.length * 7).append('[');
          for (int i = 0; i < tokenIds.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(tokenIds[i]);
          }
          out.println(sb.append(']'));
        } else {
          out.print(prompt);
        }
        out.flush();
        return 0;
      } catch (ChatPromptException e) {
        err.println("invalid request: " + e.getMessage());
        err.flush();
        return INVALID_REQUEST;
      }
    }

    /** Standard output carries the prompt or ids only: DJL's loading chatter must not land there. */
    private static void quietNativeLibraryLogs() {
      if (LoggerFactory.getLogger("ai.djl") instanceof ch.qos.logback.classic.Logger djl) {
        djl.setLevel(ch.qos.logback.classic.Level.ERROR);
      }
    }
  }
}
