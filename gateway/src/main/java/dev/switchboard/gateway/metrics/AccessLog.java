package dev.switchboard.gateway.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.gateway.worker.Worker;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per finished request on the {@value #LOGGER} logger, at INFO, so operators can route it apart
 * from the gateway's own log (give the logger an async appender: a console that blocks must not stall an event
 * loop). Never carries keys or bodies.
 */
public final class AccessLog {
  public static final String LOGGER = "switchboard.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final JsonFactory JSON = new JsonFactory();
  /** The requested model is client input: long names are cut. */
  private static final int MAX_MODEL_CHARS = 128;

  private final boolean enabled;

  public AccessLog(boolean enabled) {
    this.enabled = enabled;
  }

  public void write(RequestTimer t, int status, String requestId, String traceId) {
    if (enabled && log.isInfoEnabled()) log.info(line(t, status, requestId, traceId));
  }

  static String line(RequestTimer t, int status, String requestId, String traceId) {
    StringWriter out = new StringWriter(384);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(t.startMillis()).toString());
      g.writeStringField("request_id", requestId);
      g.writeStringField("trace_id", traceId);
      g.writeStringField("tenant", t.tenant());
      g.writeStringField("endpoint", t.endpoint().path());
      String model = t.model();
      g.writeStringField("model", model == null || model.length() <= MAX_MODEL_CHARS ? model : model.substring(0, MAX_MODEL_CHARS));
      g.writeStringField("router", t.router());
      g.writeStringField("worker", url(t.worker()));
      if (t.prefillWorker() != null) g.writeStringField("prefill_worker", url(t.prefillWorker()));
      g.writeNumberField("status", status);
      g.writeBooleanField("stream", t.stream());
      g.writeNumberField("attempts", t.attempts());
      double first = t.timeToFirstByte();
      if (t.stream() && first >= 0) g.writeNumberField("ttft_ms", millis(first));
      else g.writeNullField("ttft_ms");
      g.writeNumberField("duration_ms", millis((System.nanoTime() - t.startNanos()) / 1e9));
      Usage u = t.usage();
      if (u != null) {
        g.writeNumberField("input_tokens", u.promptTokens());
        g.writeNumberField("output_tokens", u.completionTokens());
      } else {
        g.writeNullField("input_tokens");
        g.writeNullField("output_tokens");
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String url(Worker w) {
    return w == null ? null : w.url();
  }

  private static double millis(double seconds) {
    return Math.round(seconds * 1e6) / 1e3;
  }
}
