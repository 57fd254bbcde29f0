package dev.switchboard.sim.grpc;

import dev.switchboard.sim.SimConfig;

/** Simulated SGLang scheduler over gRPC (in progress). */
public final class SimGrpcWorker implements AutoCloseable {

    private SimGrpcWorker() {
    }

    public static SimGrpcWorker start(SimConfig config) {
        throw new UnsupportedOperationException("the gRPC simulator is not available yet");
    }

    public String url() { return ""; }

    public String workerId() { return ""; }

    public int bootstrapPort() { return 0; }

    @Override
    public void close() {
    }
}
