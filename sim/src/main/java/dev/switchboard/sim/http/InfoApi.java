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
        info.put("disaggregation_mode", config.role() == SimRole.REGULAR ? "null" : config.role().name().toLowerCase(Locale.ROOT));
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
        String labels = "{model_name=\"" + runtime.config().model() + "\",worker_id=\"" + runtime.workerId() + "\"}";
        StringBuilder text = new StringBuilder(1024);
        metric(text, "sglang:prompt_tokens_total", "counter", "Prompt tokens admitted.", labels, stats.promptTokens());
        metric(text, "sglang:cached_tokens_total", "counter", "Prompt tokens served from the KV cache.", labels, stats.cachedTokens());
        metric(text, "sglang:generation_tokens_total", "counter", "Output tokens produced.", labels, stats.generatedTokens());
        metric(text, "sglang:cache_hit_rate", "gauge", "cached_tokens_total / prompt_tokens_total.", labels, stats.cacheHitRate());
        metric(text, "sglang:num_running_reqs", "gauge", "Requests in the running batch.", labels, stats.running());
        metric(text, "sglang:num_queue_reqs", "gauge", "Requests waiting for a slot.", labels, stats.waiting());
        metric(text, "sglang:kv_cache_used_tokens", "gauge", "Tokens held in the KV cache.", labels, runtime.engine().cacheUsedTokens());
        metric(text, "sglang:kv_cache_capacity_tokens", "gauge", "KV cache capacity in tokens.", labels, runtime.engine().cacheCapacityTokens());
        metric(text, "sim:requests_completed_total", "counter", "Inference requests answered in full.", labels, stats.completed());
        metric(text, "sim:requests_cancelled_total", "counter", "Inference requests abandoned by the client.", labels, stats.cancelled());
        metric(text, "sim:requests_aborted_total", "counter", "Generations stopped by an abort request.", labels, stats.aborted());
        metric(text, "sim:faults_injected_total", "counter", "Requests answered with an injected error.", labels, stats.faultsInjected());
        response.putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text.toString());
    }

    private static void metric(StringBuilder text, String name, String type, String help, String labels, double value) {
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

    private static void json(HttpServerResponse response, ObjectNode body) {
        response.putHeader("content-type", "application/json").end(Json.write(body));
    }

    private static void json(HttpServerResponse response, ArrayNode body) {
        response.putHeader("content-type", "application/json").end(Json.write(body));
    }
}
