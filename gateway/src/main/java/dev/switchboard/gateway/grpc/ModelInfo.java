package dev.switchboard.gateway.grpc;

import dev.switchboard.protocol.scheduler.GetModelInfoResponse;
import java.util.List;

/**
 * What a gRPC worker says about its model (GetModelInfo).
 *
 * @param tokenizerPath the worker's tokenizer path; "" when not reported (it may not exist on the gateway's host)
 * @param maxContextLength 0 when not reported
 * @param weightVersion used as {@code system_fingerprint}; "default" when not reported
 */
public record ModelInfo(String servedModelName, String modelPath, String tokenizerPath, int maxContextLength,
    List<Integer> eosTokenIds, String weightVersion) {

  public static ModelInfo of(GetModelInfoResponse r) {
    return new ModelInfo(r.getServedModelName(), r.getModelPath(), r.getTokenizerPath(), r.getMaxContextLength(),
        List.copyOf(r.getEosTokenIdsList()), r.getWeightVersion().isEmpty() ? "default" : r.getWeightVersion());
  }
}
