package dev.switchboard.bench.load;

import java.time.Duration;
import java.util.Map;

/** A closed-loop HTTP load: N keep-alive connections, each sending the next POST when the last response ended. */
public interface HttpLoad extends AutoCloseable {

  /** Runs {@code warmup} unmeasured, then {@code duration} measured; returns the measured part. */
  LoadStats run(int port, String path, byte[] body, Map<String, String> headers, int connections, Duration warmup,
      Duration duration) throws Exception;

  /** What drives the load, for the table's footer. */
  String describe();

  @Override
  void close();
}
