package dev.switchboard.gateway.router;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerType;

/** The four routers a gateway can have — never more. Declaration order is the default-router order. */
public enum RouterId {
  HTTP_REGULAR("http-regular", ConnectionMode.HTTP, false),
  HTTP_PD("http-pd", ConnectionMode.HTTP, true),
  GRPC_REGULAR("grpc-regular", ConnectionMode.GRPC, false),
  GRPC_PD("grpc-pd", ConnectionMode.GRPC, true);

  private final String wireName;
  private final ConnectionMode connection;
  private final boolean pd;

  RouterId(String wireName, ConnectionMode connection, boolean pd) {
    this.wireName = wireName;
    this.connection = connection;
    this.pd = pd;
  }

  /** {@code http-regular}, {@code http-pd}, {@code grpc-regular} or {@code grpc-pd}. */
  public String wireName() { return wireName; }
  public ConnectionMode connection() { return connection; }
  public boolean isPd() { return pd; }

  /** Whether this kind of router can serve {@code endpoint} (see {@link Endpoint#pdCapable()}, {@link Endpoint#grpcCapable()}). */
  public boolean supports(Endpoint endpoint) {
    return (!pd || endpoint.pdCapable()) && (connection != ConnectionMode.GRPC || endpoint.grpcCapable());
  }

  /** The router a worker belongs to; prefill and decode workers both belong to the PD router. */
  public static RouterId of(WorkerType type, ConnectionMode connection) {
    boolean pd = type != WorkerType.REGULAR;
    return switch (connection) {
      case HTTP -> pd ? HTTP_PD : HTTP_REGULAR;
      case GRPC -> pd ? GRPC_PD : GRPC_REGULAR;
    };
  }
}
