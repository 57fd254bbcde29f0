package dev.switchboard.gateway.grpc;

import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per worker URL, created on first use and kept for the gateway's life:
 * plaintext HTTP/2 for {@code grpc://}, TLS for {@code grpcs://}, keepalive pings every 30 s with a 10 s timeout
 * also while idle, large flow-control windows for token streams, and the gateway's connect deadline.
 */
public final class WorkerChannels implements AutoCloseable {
  private static final long KEEPALIVE_SECONDS = 30;
  private static final long KEEPALIVE_TIMEOUT_SECONDS = 10;
  private static final int STREAM_WINDOW = 16 << 20;
  private static final int MAX_INBOUND_MESSAGE = 64 << 20;

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final int connectTimeoutMillis;
  private volatile boolean closed;

  /** @param connectTimeout how long connecting to a worker may take ({@code gateway.timeouts.connect_secs}; 0 = Netty's default) */
  public WorkerChannels(Duration connectTimeout) {
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
  }

  public ManagedChannel channel(Worker worker) {
    ManagedChannel c = channels.get(worker.url());
    if (c != null) return c;
    if (closed) throw new IllegalStateException("gRPC channels are closed");
    return channels.computeIfAbsent(worker.url(), url -> open(worker));
  }

  public SglangSchedulerGrpc.SglangSchedulerStub stub(Worker worker) {
    return SglangSchedulerGrpc.newStub(channel(worker));
  }

  private ManagedChannel open(Worker worker) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(stripBrackets(worker.host()), worker.port())
        .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .initialFlowControlWindow(STREAM_WINDOW)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE);
    if (connectTimeoutMillis > 0) b.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
    if (worker.tls()) b.useTransportSecurity();
    else b.usePlaintext();
    return b.build();
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Closes the channel of a worker that left the deployment. */
  public void forget(String url) {
    ManagedChannel c = channels.remove(url);
    if (c != null) c.shutdownNow();
  }

  @Override
  public void close() {
    closed = true;
    for (ManagedChannel c : channels.values()) c.shutdownNow();
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
