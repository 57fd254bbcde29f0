#!/usr/bin/env python3
"""Inclusive share of CPU samples (jdk.ExecutionSample) and of sampled allocation (jdk.ObjectAllocationSample
weight) per component of the gateway's request path, from a JFR recording.

usage: jfr-buckets.py RECORDING.jfr [THREAD_PREFIX]   (needs `jfr` of the JDK on PATH)
A sample counts for the first bucket met walking down its stack from the top frame (exclusive shares).
"""
import re, subprocess, sys
from collections import Counter

BUCKETS = [
    ("RequestFacts.scan (model, stream)", ["RequestFacts.scan"]),
    ("routing text (Jackson tree + RoutingText)", ["RequestFacts.json", "RoutingText."]),
    ("radix tree match/insert", ["policy.radix.RadixTree."]),
    ("metrics (Prometheus)", ["metrics.GatewayMetrics", "io.prometheus"]),
    ("header copy (Headers.copyEndToEnd)", ["exchange.Headers."]),
    ("Vert.x Web BodyHandler", ["io.vertx.ext.web.handler.impl.BodyHandlerImpl"]),
    ("Vert.x Web router", ["io.vertx.ext.web."]),
    ("HTTP/1 decode (both sides)", ["HttpObjectDecoder."]),
    ("HTTP/1 encode (both sides)", ["HttpObjectEncoder."]),
    ("Vert.x HTTP client", ["io.vertx.core.http.impl.Http1xClient", "io.vertx.core.http.impl.HttpClient", "io.vertx.core.http.impl.pool", "io.vertx.core.net.impl.pool"]),
    ("Vert.x HTTP server", ["io.vertx.core.http.impl.Http1xServer", "io.vertx.core.http.impl.HttpServer"]),
    ("Vert.x streams/futures", ["io.vertx.core.streams", "io.vertx.core.impl.future", "io.vertx.core.internal"]),
    ("other gateway code", ["dev.switchboard."]),
    ("Netty I/O, buffers, event loop", ["io.netty."]),
]

def samples(path, event, depth=96):
    out = subprocess.run(["jfr", "print", "--events", event, "--stack-depth", str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("\njdk.")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"|eventThread = "([^"]*)"', block)
        tname = (thread.group(1) or thread.group(2)) if thread else ""
        weight = re.search(r"weight = ([0-9.]+) ?(bytes|kB|MB|GB)?", block)
        w = 1.0
        if weight:
            w = float(weight.group(1)) * {"bytes": 1, None: 1, "kB": 1024, "MB": 1 << 20, "GB": 1 << 30}[weight.group(2)]
        frames = re.findall(r"^\s+([\w.$<>/]+\.[\w$<>]+)\(", block, re.M)
        yield tname, w, frames

def bucket(frames):
    """The first bucket met walking down from the top frame: an exclusive attribution."""
    for f in frames:
        for name, markers in BUCKETS:
            if any(m in f for m in markers):
                return name
    return "other (JDK, logging, ...)"

def report(path, event, prefix, title):
    total = 0.0
    by = Counter()
    for tname, w, frames in samples(path, event):
        if prefix and not tname.startswith(prefix):
            continue
        total += w
        by[bucket(frames)] += w
    print(f"{title}: {total:.0f} {'samples' if event.endswith('ExecutionSample') else 'bytes sampled'} on threads '{prefix}*'")
    for name, _ in BUCKETS + [("other (JDK, logging, ...)", [])]:
        if by[name]:
            print(f"  {100 * by[name] / total:5.1f} %  {name}")

if __name__ == "__main__":
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else "vert.x-eventloop"
    report(path, "jdk.ExecutionSample", prefix, "CPU")
    report(path, "jdk.ObjectAllocationSample", prefix, "allocation")
