package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.pipeline.Pipeline;
import dev.switchboard.gateway.router.pipeline.PipelineRouter;

/** The two HTTP routers: the request pipeline with an HTTP transport. */
public final class HttpRouters {
  private HttpRouters() {}

  /**
   * Router one: regular HTTP workers (SGLang, vLLM, llama.cpp, any OpenAI-compatible server). The client's body
   * bytes go unchanged to one worker chosen by the model's policy; the answer is relayed as it comes.
   */
  public static InferenceRouter regular(Pipeline pipeline, HttpWorkerClient client) {
    return new PipelineRouter(RouterId.HTTP_REGULAR, pipeline, new HttpTransport(client));
  }

  /**
   * Router two: HTTP prefill/decode pairs (SGLang disaggregation). Each attempt picks a prefill and a decode worker
   * with their own pools' policies and sends both the same bootstrapped body at once ({@link HttpPairTransport}).
   */
  public static InferenceRouter pd(Pipeline pipeline, HttpWorkerClient client) {
    return new PipelineRouter(RouterId.HTTP_PD, pipeline, new HttpPairTransport(client));
  }
}
