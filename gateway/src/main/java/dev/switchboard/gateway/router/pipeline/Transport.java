package dev.switchboard.gateway.router.pipeline;

/**
 * Carries one attempt to its target and the answer back to the client (HTTP, HTTP pair, gRPC Generate, gRPC Embed).
 * It reports exactly one {@link Outcome} through {@link Attempt#end}, calls {@link Attempt#firstByte} when the first
 * byte of the worker's answer body arrives and {@link Attempt#activity} on every later chunk, and stops its upstream
 * work when {@link Attempt#onCancel} handlers run (client gone, deadline, drain).
 */
@FunctionalInterface
public interface Transport {
  void dispatch(Attempt attempt);
}
