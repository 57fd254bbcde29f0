package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.cache.SimTokens;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /v1/embeddings} (deterministic unit vectors) and {@code /v1/rerank} (SGLang's array shape). */
final class EmbeddingApi {

  private final SimConfig config;

  EmbeddingApi(SimConfig config) {
    this.config = config;
  }

  void embeddings(Exchange exchange, JsonNode body) {
    Requests.Prompts inputs = Requests.textOrIds(body.get("input"), "input");
    ObjectNode response = Json.object();
    response.put("object", "list");
    ArrayNode data = response.putArray("data");
    int tokens = 0;
    for (int i = 0; i < inputs.prompts().size(); i++) {
      int[] prompt = inputs.prompts().get(i);
      tokens += prompt.length;
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      ArrayNode vector = item.putArray("embedding");
      for (float value : dev.switchboard.sim.engine.SimVectors.embed(prompt, config.embeddingDim())) {
        vector.add(value);
      }
    }
    JsonNode model = body.get("model");
    response.put("model", model != null && model.isTextual() ? model.asText() : config.model());
    response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    exchange.json(200, Json.write(response));
  }

  void rerank(Exchange exchange, JsonNode body) {
    JsonNode query = Requests.field(body, "query");
    JsonNode documents = Requests.field(body, "documents");
    if (query == null || !query.isTextual()) {
      throw new BadRequest("'query' must be a string");
    }
    if (documents == null || !documents.isArray()) {
      throw new BadRequest("'documents' must be a list of strings");
    }
    boolean returnDocuments = body.path("return_documents").asBoolean(true);
    Set<Integer> queryTokens = new HashSet<>();
    for (int id : SimTokens.tokenize(query.asText())) {
      queryTokens.add(id);
    }
    List<ObjectNode> results = new ArrayList<>(documents.size());
    for (int i = 0; i < documents.size(); i++) {
      String document = documents.get(i).isTextual() ? documents.get(i).asText() : documents.get(i).toString();
      int[] tokens = SimTokens.tokenize(document);
      int overlap = 0;
      for (int id : tokens) {
        if (queryTokens.contains(id)) {
          overlap++;
        }
      }
      double jitter = (SimTokens.hash(tokens) >>> 44) / (double) (1L << 20) / 100.0;
      double score = (tokens.length == 0 ? 0.0 : (double) overlap / tokens.length) + jitter;
      ObjectNode result = Json.object();
      result.put("score", score);
      result.put("index", i);
      if (returnDocuments) {
        result.put("document", document);
      }
      results.add(result);
    }
    results.sort((a, b) -> Double.compare(b.get("score").asDouble(), a.get("score").asDouble()));
    JsonNode topN = Requests.field(body, "top_n");
    int limit = topN != null && topN.canConvertToInt() ? Math.max(0, topN.asInt()) : results.size();
    ArrayNode array = Json.array();
    results.stream().limit(limit).forEach(array::add);
    exchange.json(200, Json.write(array));
  }
}
