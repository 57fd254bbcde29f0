package dev.switchboard.bench.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.kv.KvEvent;
import dev.switchboard.gateway.kv.KvIndex;
import dev.switchboard.gateway.kv.PromptTokens;
import dev.switchboard.gateway.router.grpc.TokenizerRegistry;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.chat.ChatPrompt;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * What kv_aware costs: heap bytes per KV-index entry (block × worker), and the CPU time to turn a multi-turn chat
 * request into token ids with and without the piece cache. Run:
 * {@code java -cp <bench classpath> dev.switchboard.bench.routing.KvCost}.
 */
public final class KvCost {
  private KvCost() {}

  public static void main(String[] args) throws Exception {
    index();
    tokens();
  }

  /** 8 workers, 2,000 chains of 64 blocks of 16 tokens, each chain on 2 workers: 256,000 entries, 128,000 keys. */
  private static void index() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < 8; i++) workers.add(new Worker(WorkerSpec.of("http://w" + i + ":1", "m", WorkerType.REGULAR, ConnectionMode.HTTP)));
    long before = liveHeap(memory);
    KvIndex index = new KvIndex(10_000_000);
    long hash = 1;
    for (int c = 0; c < 2_000; c++) {
      int[] tokens = new int[64 * 16];
      for (int t = 0; t < tokens.length; t++) tokens[t] = c * 100_000 + t;
      for (int copy = 0; copy < 2; copy++) {
        KvIndex.WorkerBlocks b = index.attach(workers.get((c + copy * 3) % 8));
        long[] hashes = new long[64];
        for (int k = 0; k < 64; k++) hashes[k] = hash++;
        b.apply(new KvEvent.BlockStored(hashes, false, 0, tokens, 16, null, null));
      }
    }
    long after = liveHeap(memory);
    System.out.printf(Locale.ROOT, "KV index: %d entries (block x worker), %d keys: %.1f MB, %.1f bytes per entry%n",
        index.entries(), index.keys(), (after - before) / 1e6, (double) (after - before) / index.entries());
    if (index.entries() < 0) System.out.println(workers);
  }

  /** A 2,000-word system prompt and 8 turns; each request resends the whole conversation. */
  private static void tokens() throws Exception {
    Tokenizer qwen = BundledTokenizers.qwen3();
    ChatPrompt chat = ChatPrompt.forConfig(qwen.config());
    ModelSettings m = ModelSettings.NONE.withTokenizer(BundledTokenizers.qwen3Dir().toString());
    TokenizerRegistry registry = new TokenizerRegistry(name -> m,
        name -> CompletableFuture.failedFuture(new IllegalStateException("no worker")), Executors.newSingleThreadExecutor());
    registry.get("m").join();
    PromptTokens tokens = new PromptTokens(name -> m, registry, Runnable::run);
    Workloads words = new Workloads(3);
    ObjectMapper json = new ObjectMapper();
    List<ObjectNode> requests = new ArrayList<>();
    for (int conversation = 0; conversation < 20; conversation++) {
      ObjectNode body = json.createObjectNode();
      ArrayNode messages = body.putArray("messages");
      messages.addObject().put("role", "system").put("content", words.text(2_000));
      for (int turn = 0; turn < 8; turn++) {
        messages.addObject().put("role", "user").put("content", words.text(100));
        requests.add(body.deepCopy());
        messages.addObject().put("role", "assistant").put("content", words.text(100));
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long ids = 0;
    for (int round = 0; round < 2; round++) { // the first round warms the JIT; the second is measured
      ids = 0;
      long t0 = threads.getCurrentThreadCpuTime();
      for (ObjectNode r : requests) ids += qwen.encode(chat.render(r)).length;
      long whole = threads.getCurrentThreadCpuTime() - t0;
      PromptTokens fresh = round == 0 ? tokens : new PromptTokens(name -> m, registry, Runnable::run);
      t0 = threads.getCurrentThreadCpuTime();
      for (ObjectNode r : requests) fresh.encode("m", "/v1/chat/completions", r);
      long cached = threads.getCurrentThreadCpuTime() - t0;
      if (round == 1) {
        System.out.printf(Locale.ROOT, "chat -> ids, %d requests, %.0f ids each: render + encode %.0f µs/request (%.1f µs per 1k ids); "
                + "with the piece cache %.0f µs/request (%.1fx less)%n", requests.size(), (double) ids / requests.size(),
            whole / 1e3 / requests.size(), whole / 1e3 / (ids / 1e3), cached / 1e3 / requests.size(), (double) whole / cached);
      }
    }
    registry.close();
    System.exit(0);
  }

  private static long liveHeap(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
