package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;

/** A router that needs nothing but its kind's picker and a transport: the HTTP routers. */
public final class PipelineRouter implements InferenceRouter {
  private final RouterId id;
  private final Pipeline pipeline;
  private final TargetPicker picker;
  private final Transport transport;

  public PipelineRouter(RouterId id, Pipeline pipeline, Transport transport) {
    this.id = id;
    this.pipeline = pipeline;
    this.picker = pipeline.picker(id);
    this.transport = transport;
  }

  @Override
  public RouterId id() {
    return id;
  }

  @Override
  public boolean canServe(String model) {
    return picker.canServe(model);
  }

  @Override
  public void route(Exchange exchange, String model) {
    pipeline.run(exchange, model, id, picker, transport);
  }
}
