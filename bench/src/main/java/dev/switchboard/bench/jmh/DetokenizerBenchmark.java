package dev.switchboard.bench.jmh;

import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.detok.StopConfig;
import dev.switchboard.text.detok.StopDecoder;
import dev.switchboard.text.detok.TokenDecoder;
import dev.switchboard.text.parser.ChatOutputSplitter;
import dev.switchboard.text.parser.ReasoningParsers;
import dev.switchboard.text.parser.ToolParsers;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gRPC text path per output token: the stop decoder (incremental detokenization + stop strings) on Qwen3 and
 * the chat splitter (qwen3 reasoning + tool parser), one token at a time over a 512-token answer. {@code decoder}:
 * {@code java} is today's ByteLevel table, {@code native} the Rust tokenizer through JNI it replaced.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class DetokenizerBenchmark {
  static final int TOKENS = 512;

  @Param({"java", "native"}) String decoder;

  private int[] ids;
  private TokenDecoder decode;

  @Setup
  public void setUp() {
    Tokenizer t = BundledTokenizers.qwen3();
    int[] words = t.encode("<think>The user asks about routers; answer plainly.</think> The quick brown fox jumps over the lazy dog"
        + " while the router streams tokens to every client — naïve café, 東京 🦊, and each token becomes text.");
    ids = new int[TOKENS];
    for (int i = 0; i < TOKENS; i++) ids[i] = words[i % words.length];
    decode = decoder.equals("java") ? t : t::nativeDecode;
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public int stopDecoderPerToken() {
    StopDecoder d = new StopDecoder(decode, new StopConfig(List.of("<<never>>", "\n\nUser:"), Set.of(151645), true, false));
    int chars = 0;
    int[] one = new int[1];
    for (int id : ids) {
      one[0] = id;
      chars += d.push(one).length();
    }
    return chars + d.finish().length();
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public int decoderAndChatSplitterPerToken() {
    StopDecoder d = new StopDecoder(decode, new StopConfig(List.of("<<never>>"), Set.of(151645), true, false));
    ChatOutputSplitter s = new ChatOutputSplitter(ReasoningParsers.forModel(java.util.Optional.empty(), "qwen3-bench"),
        ToolParsers.create(ToolParsers.PASSTHROUGH));
    int n = 0;
    int[] one = new int[1];
    for (int id : ids) {
      one[0] = id;
      n += s.push(d.push(one)).content().length();
    }
    return n + s.finish().content().length();
  }
}
