package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.engine.SimEngine;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/** Health, metadata, load, cache and metrics endpoints. */
final class InfoApi {

  private final SimRuntime runtime;
  private final java.util.function.IntSupplier bootstrapPort;

  InfoApi(SimRuntime runtime, java.util.function.IntSupplier bootstrapPort) {
    this.runtime = runtime;
    this.bootstrapPort = bootstrapPort;
  }

  void health(HttpServerResponse response) {
    response.setStatusCode(runtime.controls().isHealthy() ? 200 : 503).end();
  }

  void serverInfo(HttpServerResponse response) {
    SimConfig config = runtime.config();
    SimStats stats = runtime.stats();
    SimEngine engine = runtime.engine();
    ObjectNode info = Json.object();
    info.put("model_path", config.model());
    info.put("tokenizer_path", config.tokenizerPath() == null ? config.model() : config.tokenizerPath());
    info.put("served_model_name", config.model());
    info.put("host", config.host());
    info.put("port", runtime.port());
    String mode = config.role() == SimRole.REGULAR ? "null" : config.role().name().toLowerCase(Locale.ROOT);
    info.put("disaggregation_mode", mode);
    if (config.role() == SimRole.PREFILL) {
      info.put("disaggregation_bootstrap_port", bootstrapPort.getAsInt());
    }
    info.put("max_running_requests", config.maxConcurrent());
    info.put("max_total_num_tokens", engine.cacheCapacityTokens());
    info.put("page_size", config.cacheBlockSize());
    info.put("context_length", config.maxContextLength());
    info.put("dp_size", 1);
    info.put("version", "switchboard-sim");
    info.put("worker_id", runtime.workerId());
    dev.switchboard.sim.kv.KvEventPublisher kv = runtime.kvEvents();
    if (kv != null) {
      // as SGLang's server_args: the --kv-events-config JSON string, with the bound address
      ObjectNode events = Json.object();
      events.put("publisher", "zmq");
      events.put("endpoint", kv.endpoint());
      if (kv.replayEndpoint() != null) events.put("replay_endpoint", kv.replayEndpoint());
      events.put("topic", kv.options().topic());
      info.put("kv_events_config", Json.write(events));
    }
    ObjectNode cache = info.putObject("cache");
    cache.put("prompt_tokens_total", stats.promptTokens());
    cache.put("cached_tokens_total", stats.cachedTokens());
    cache.put("hit_rate", stats.cacheHitRate());
    cache.put("used_tokens", engine.cacheUsedTokens());
    cache.put("capacity_tokens", engine.cacheCapacityTokens());
    cache.put("block_size", config.cacheBlockSize());
    ArrayNode states = info.putArray("internal_states");
    ObjectNode state = states.addObject();
    state.put("num_running_reqs", stats.running());
    state.put("num_waiting_reqs", stats.waiting());
    state.put("cache_hit_rate", stats.cacheHitRate());
    json(response, info);
  }

  void modelInfo(HttpServerResponse response) {
    SimConfig config = runtime.config();
    ObjectNode info = Json.object();
    info.put("model_path", config.model());
    info.put("tokenizer_path", config.tokenizerPath() == null ? config.model() : config.tokenizerPath());
    info.put("served_model_name", config.model());
    info.put("is_generation", true);
    info.putNull("preferred_sampling_params");
    info.put("weight_version", "default");
    info.put("has_image_understanding", false);
    info.put("has_audio_understanding", false);
    info.put("model_type", "switchboard-sim");
    info.putArray("architectures").add("SimForCausalLM");
    info.put("max_context_length", config.maxContextLength());
    json(response, info);
  }

  void models(HttpServerResponse response) {
    SimConfig config = runtime.config();
    ObjectNode list = Json.object();
    list.put("object", "list");
    ObjectNode model = list.putArray("data").addObject();
    model.put("id", config.model());
    model.put("object", "model");
    model.put("created", runtime.startMillis() / 1000);
    model.put("owned_by", "switchboard-sim");
    model.put("root", config.model());
    model.put("max_model_len", config.maxContextLength());
    json(response, list);
  }

  void load(HttpServerResponse response) {
    ArrayNode loads = Json.array();
    ObjectNode load = loads.addObject();
    load.put("dp_rank", 0);
    load.put("num_reqs", runtime.stats().running() + runtime.stats().waiting());
    load.put("num_waiting_reqs", runtime.stats().waiting());
    load.put("num_tokens", runtime.engine().runningTokens());
    json(response, loads);
  }

  void flushCache(HttpServerResponse response) {
    runtime.stats().countFlush();
    runtime.engine().flushCache().onComplete(done ->
        response.putHeader("content-type", "text/plain").end("Cache flushed.\n"));
  }

  void metrics(HttpServerResponse response) {
    SimStats stats = runtime.stats();
    SimEngine engine = runtime.engine();
    PrometheusText text = new PrometheusText(
        "{model_name=\"" + runtime.config().model() + "\",worker_id=\"" + runtime.workerId() + "\"}");
    text.counter("sglang:prompt_tokens_total", "Prompt tokens admitted.", stats.promptTokens());
    text.counter("sglang:cached_tokens_total", "Prompt tokens served from the KV cache.", stats.cachedTokens());
    text.counter("sglang:generation_tokens_total", "Output tokens produced.", stats.generatedTokens());
    text.gauge("sglang:cache_hit_rate", "cached_tokens_total / prompt_tokens_total.", stats.cacheHitRate());
    text.gauge("sglang:num_running_reqs", "Requests in the running batch.", stats.running());
    text.gauge("sglang:num_queue_reqs", "Requests waiting for a slot.", stats.waiting());
    text.gauge("sglang:kv_cache_used_tokens", "Tokens held in the KV cache.", engine.cacheUsedTokens());
    text.gauge("sglang:kv_cache_capacity_tokens", "KV cache capacity in tokens.", engine.cacheCapacityTokens());
    if (runtime.config().openAiOnly()) { // vLLM's names for the same facts
      text.gauge("vllm:num_requests_running", "Requests in the running batch.", stats.running());
      text.gauge("vllm:num_requests_waiting", "Requests waiting for a slot.", stats.waiting());
      text.gauge("vllm:kv_cache_usage_perc", "KV-cache usage, 1 = full.",
          engine.cacheCapacityTokens() == 0 ? 0 : (double) engine.cacheUsedTokens() / engine.cacheCapacityTokens());
    }
    text.counter("sim:requests_completed_total", "Inference requests answered in full.", stats.completed());
    text.counter("sim:requests_cancelled_total", "Inference requests abandoned by the client.", stats.cancelled());
    text.counter("sim:requests_aborted_total", "Generations stopped by an abort request.", stats.aborted());
    text.counter("sim:faults_injected_total", "Requests answered with an injected error.", stats.faultsInjected());
    response.putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text.toString());
  }

  /** Prometheus text exposition of single-sample metrics sharing one label set. */
  private static final class PrometheusText {
    private final StringBuilder text = new StringBuilder(1024);
    private final String labels;

    PrometheusText(String labels) {
      this.labels = labels;
    }

    void counter(String name, String help, double value) {
      sample(name, "counter", help, value);
    }

    void gauge(String name, String help, double value) {
      sample(name, "gauge", help, value);
    }

    private void sample(String name, String type, String help, double value) {
      text.append("# HELP ").append(name).append(' ').append(help).append('\n');
      text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      text.append(name).append(labels).append(' ');
      if (value == Math.rint(value) && !Double.isInfinite(value)) {
        text.append((long) value);
      } else {
        text.append(value);
      }
      text.append('\n');
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  private static void json(HttpServerResponse response, ObjectNode body) {
    response.putHeader("content-type", "application/json").end(Json.write(body));
  }

  private static void json(HttpServerResponse response, ArrayNode body) {
    response.putHeader("content-type", "application/json").end(Json.write(body));
  }
}
