package dev.switchboard.sim;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of one simulated worker (HTTP or gRPC). Immutable; start from {@link #defaults()} and use the
 * {@code withX} methods.
 *
 * @param host                 address to bind, default 127.0.0.1
 * @param port                 port to bind, 0 picks a free one
 * @param model                served model name
 * @param role                 regular, prefill or decode
 * @param workerId             reported in {@code x-served-by}; null means {@code sim-<port>}
 * @param seed                 drives output text and the error-rate draw
 * @param ttft                 fixed extra delay before a request enters the scheduler (network/queue overhead)
 * @param timePerToken         duration of one decode step (all running requests advance one token per step)
 * @param prefillTimePerToken  prefill cost per uncached prompt token
 * @param maxConcurrent        requests running at once; the rest wait in a queue
 * @param batchLimit           requests one decode step serves at {@code timePerToken}; a larger running batch
 *                             makes each step proportionally longer (ceil(running / batchLimit) steps' worth)
 * @param defaultMaxTokens     output length when the request names none
 * @param apiKey               when set, inference and admin endpoints require {@code Authorization: Bearer <key>}
 * @param openAiOnly           behave like vLLM / llama.cpp: SGLang-only endpoints answer 404
 * @param bootstrapPort        prefill only: port of the bootstrap endpoint, 0 picks a free one
 * @param bootstrapTimeout     decode only: how long to wait for the prefill to have seen a room
 * @param cacheCapacityTokens  KV-cache capacity in tokens
 * @param cacheBlockSize       tokens per KV-cache block
 * @param embeddingDim         length of /v1/embeddings vectors
 * @param maxContextLength     reported context length
 * @param recordLimit          how many received requests {@link SimWorker#received()} keeps (most recent), 0 = none
 * @param tokenizerPath        gRPC only: a tokenizer.json whose ordinary-word ids the output cycles through
 * @param eosTokenIds          gRPC only: ids reported as EOS; the first is emitted at the end unless ignore_eos
 */
public record SimConfig(
    String host,
    int port,
    String model,
    SimRole role,
    String workerId,
    long seed,
    Duration ttft,
    Duration timePerToken,
    Duration prefillTimePerToken,
    int maxConcurrent,
    int batchLimit,
    int defaultMaxTokens,
    String apiKey,
    boolean openAiOnly,
    int bootstrapPort,
    Duration bootstrapTimeout,
    int cacheCapacityTokens,
    int cacheBlockSize,
    int embeddingDim,
    int maxContextLength,
    int recordLimit,
    String tokenizerPath,
    List<Integer> eosTokenIds) {

  public SimConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(ttft, "ttft");
    Objects.requireNonNull(timePerToken, "timePerToken");
    Objects.requireNonNull(prefillTimePerToken, "prefillTimePerToken");
    Objects.requireNonNull(bootstrapTimeout, "bootstrapTimeout");
    eosTokenIds = List.copyOf(Objects.requireNonNull(eosTokenIds, "eosTokenIds"));
    requireRange("port", port, 0, 65535);
    requireRange("bootstrapPort", bootstrapPort, 0, 65535);
    requireRange("maxConcurrent", maxConcurrent, 1, Integer.MAX_VALUE);
    requireRange("batchLimit", batchLimit, 1, Integer.MAX_VALUE);
    requireRange("defaultMaxTokens", defaultMaxTokens, 0, Integer.MAX_VALUE);
    requireRange("cacheCapacityTokens", cacheCapacityTokens, 0, Integer.MAX_VALUE);
    requireRange("cacheBlockSize", cacheBlockSize, 1, 1 << 16);
    requireRange("embeddingDim", embeddingDim, 1, 1 << 16);
    requireRange("maxContextLength", maxContextLength, 1, Integer.MAX_VALUE);
    requireRange("recordLimit", recordLimit, 0, Integer.MAX_VALUE);
    requireNonNegative("ttft", ttft);
    requireNonNegative("timePerToken", timePerToken);
    requireNonNegative("prefillTimePerToken", prefillTimePerToken);
    requireNonNegative("bootstrapTimeout", bootstrapTimeout);
  }

  /** Loopback, free port, model "sim-model", regular, 1 ms per decode step, 20 µs per prefill token. */
  public static SimConfig defaults() {
    return new SimConfig("127.0.0.1", 0, "sim-model", SimRole.REGULAR, null, 42L,
        Duration.ZERO, Duration.ofMillis(1), Duration.ofNanos(20_000), 256, 16, 16,
        null, false, 0, Duration.ofSeconds(2), 24_576, 16, 16, 32_768, 1_000, null, List.of(2));
  }

  /** Defaults with the given model. */
  public static SimConfig of(String model) {
    return defaults().withModel(model);
  }

  /** Latency knobs all zero: answers as fast as the machine allows (benchmark upstream, fast tests). */
  public SimConfig withNoLatency() {
    return withTtft(Duration.ZERO).withTimePerToken(Duration.ZERO).withPrefillTimePerToken(Duration.ZERO);
  }

  public SimConfig withHost(String v) {
    return new SimConfig(v, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withPort(int v) {
    return new SimConfig(host, v, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withModel(String v) {
    return new SimConfig(host, port, v, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withRole(SimRole v) {
    return new SimConfig(host, port, model, v, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withWorkerId(String v) {
    return new SimConfig(host, port, model, role, v, seed, ttft, timePerToken, prefillTimePerToken, maxConcurrent,
        batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withSeed(long v) {
    return new SimConfig(host, port, model, role, workerId, v, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withTtft(Duration v) {
    return new SimConfig(host, port, model, role, workerId, seed, v, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withTimePerToken(Duration v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, v, prefillTimePerToken, maxConcurrent,
        batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withPrefillTimePerToken(Duration v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, v, maxConcurrent,
        batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withMaxConcurrent(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken, v,
        batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withBatchLimit(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, v, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withDefaultMaxTokens(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, v, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withApiKey(String v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, v, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withOpenAiOnly(boolean v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, v, bootstrapPort, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withBootstrapPort(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, v, bootstrapTimeout, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withBootstrapTimeout(Duration v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, v, cacheCapacityTokens,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withCacheCapacityTokens(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout, v,
        cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withCacheBlockSize(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, v, embeddingDim, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withEmbeddingDim(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, v, maxContextLength, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withMaxContextLength(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, v, recordLimit, tokenizerPath, eosTokenIds);
  }

  public SimConfig withRecordLimit(int v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, v, tokenizerPath, eosTokenIds);
  }

  public SimConfig withTokenizerPath(String v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, v, eosTokenIds);
  }

  public SimConfig withEosTokenIds(List<Integer> v) {
    return new SimConfig(host, port, model, role, workerId, seed, ttft, timePerToken, prefillTimePerToken,
        maxConcurrent, batchLimit, defaultMaxTokens, apiKey, openAiOnly, bootstrapPort, bootstrapTimeout,
        cacheCapacityTokens, cacheBlockSize, embeddingDim, maxContextLength, recordLimit, tokenizerPath, v);
  }

  /** The worker id for a bound port: the configured one, else {@code sim-<port>}. */
  public String workerIdFor(int boundPort) {
    return workerId != null ? workerId : "sim-" + boundPort;
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}
