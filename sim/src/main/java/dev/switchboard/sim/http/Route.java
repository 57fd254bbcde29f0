package dev.switchboard.sim.http;

import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The simulator's endpoints: method(s), whether they need the api key, whether only SGLang has them. */
enum Route {
  HEALTH("/health", Access.PUBLIC, false, HttpMethod.GET),
  HEALTH_GENERATE("/health_generate", Access.PUBLIC, true, HttpMethod.GET),
  SERVER_INFO("/get_server_info", Access.PUBLIC, true, HttpMethod.GET),
  MODEL_INFO("/get_model_info", Access.PUBLIC, true, HttpMethod.GET),
  MODELS("/v1/models", Access.PUBLIC, false, HttpMethod.GET),
  LOAD("/get_load", Access.PUBLIC, true, HttpMethod.GET),
  METRICS("/metrics", Access.PUBLIC, false, HttpMethod.GET),
  FLUSH_CACHE("/flush_cache", Access.ADMIN, true, HttpMethod.POST, HttpMethod.GET),
  ABORT("/abort_request", Access.ADMIN, true, HttpMethod.POST),
  GENERATE("/generate", Access.INFERENCE, true, HttpMethod.POST),
  CHAT("/v1/chat/completions", Access.INFERENCE, false, HttpMethod.POST),
  COMPLETIONS("/v1/completions", Access.INFERENCE, false, HttpMethod.POST),
  EMBEDDINGS("/v1/embeddings", Access.INFERENCE, false, HttpMethod.POST),
  RERANK("/v1/rerank", Access.INFERENCE, false, HttpMethod.POST),
  RERANK_SHORT("/rerank", Access.INFERENCE, false, HttpMethod.POST),
  RESPONSES("/v1/responses", Access.INFERENCE, false, HttpMethod.POST);

  enum Access { PUBLIC, ADMIN, INFERENCE }

  private static final Map<String, Route> BY_PATH = new HashMap<>();

  static {
    for (Route route : values()) {
      BY_PATH.put(route.path, route);
    }
  }

  final String path;
  final Access access;
  final boolean sglangOnly;
  final Set<HttpMethod> methods;

  Route(String path, Access access, boolean sglangOnly, HttpMethod... methods) {
    this.path = path;
    this.access = access;
    this.sglangOnly = sglangOnly;
    this.methods = Set.of(methods);
  }

  static Route of(String path) {
    return BY_PATH.get(path);
  }
}
