package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small HTTP client helpers for the simulator's tests (real loopback sockets). */
public final class TestHttp {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private TestHttp() {
  }

  public static HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  public static HttpResponse<String> post(String url, String body, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder.build());
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code data:} payloads of an SSE body. */
  public static List<String> events(String body) {
    List<String> events = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("data: ")) {
        events.add(line.substring(6));
      }
    }
    return events;
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A raw HTTP/1.1 POST on its own socket, read line by line: for streams and client disconnects. */
  public static final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader reader;
    private final int status;

    public RawStream(int port, String path, String body) {
      try {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String statusLine = reader.readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while ((line = reader.readLine()) != null && !line.isEmpty()) {
          // headers
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Sends the request head and body but reads nothing. */
    public static Socket sendOnly(int port, String path, String body) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      return socket;
    }

    public int status() {
      return status;
    }

    /** The next SSE {@code data:} payload, or null at end of stream. */
    public String nextEvent() {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.startsWith("data: ")) {
            return line.substring(6);
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    }

    /** All remaining events up to and including [DONE] (or the end of the stream). */
    public List<String> rest() {
      List<String> events = new ArrayList<>();
      String event;
      while ((event = nextEvent()) != null) {
        events.add(event);
        if (event.equals("[DONE]")) {
          break;
        }
      }
      return events;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
