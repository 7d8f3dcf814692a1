package org.repomirror.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on loopback that breaks pipelining in one scripted way, as some old hosts and
 * middleboxes do, while it answers a request alone on its connection correctly. It serves GETs of
 * the files it was given, ignores Range (a whole 200 is a valid answer) and keeps each connection
 * open until the client closes it.
 */
public final class FaultyPipelining implements AutoCloseable {
  /** How it breaks pipelining. */
  public enum Fault {
    /** None: answers every request in order. */
    NONE,
    /** Of two requests waiting on a connection, answers the second first. */
    ANSWERS_OUT_OF_ORDER,
    /** Answers the first request, then closes the connection without saying it would. */
    CLOSES_AFTER_FIRST_ANSWER,
    /** With other requests waiting, sends half of an answer's body and closes the connection. */
    BREAKS_OFF_MID_PIPELINE
  }

  /** How long it waits for a second request to arrive before it answers the first alone. */
  private static final long GATHER_MILLIS = 30;

  private final Map<String, byte[]> files;
  private final Fault fault;
  private final ServerSocket socket;
  private final ExecutorService connections = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger faults = new AtomicInteger();

  /**
   * @param files what it serves, by path relative to the root (no leading slash)
   */
  public FaultyPipelining(Map<String, byte[]> files, Fault fault) throws IOException {
    this.files = Map.copyOf(files);
    this.fault = fault;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    connections.execute(this::accept);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
  }

  /** Requests read so far. */
  public int requests() {
    return requests.get();
  }

  /** Requests that arrived while another on their connection was still unanswered. */
  public int queuedBehindAnother() {
    return queued.get();
  }

  /** How often it misbehaved as scripted. */
  public int faults() {
    return faults.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = new BufferedOutputStream(s.getOutputStream())) {
      Deque<String> waiting = new ArrayDeque<>();
      int answered = 0;
      while (true) {
        if (waiting.isEmpty()) {
          String path = readRequest(in);
          if (path == null) return;
          waiting.add(path);
        }
        gather(in, waiting);
        if (fault == Fault.ANSWERS_OUT_OF_ORDER && waiting.size() >= 2) {
          String first = waiting.poll();
          answer(out, waiting.poll(), false);
          answer(out, first, false);
          faults.incrementAndGet();
          answered += 2;
        } else if (fault == Fault.BREAKS_OFF_MID_PIPELINE && waiting.size() >= 2) {
          answer(out, waiting.poll(), true);
          faults.incrementAndGet();
          return;
        } else {
          answer(out, waiting.poll(), false);
          answered++;
        }
        out.flush();
        if (fault == Fault.CLOSES_AFTER_FIRST_ANSWER && answered == 1) {
          if (!waiting.isEmpty() || in.available() > 0) faults.incrementAndGet();
          return;
        }
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads the requests that have arrived, after a moment for a pipelining client to send more. */
  private void gather(InputStream in, Deque<String> waiting)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
    while (in.available() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
    while (in.available() > 0) {
      String path = readRequest(in);
      if (path == null) return;
      waiting.add(path);
    }
    if (waiting.size() > 1) queued.addAndGet(waiting.size() - 1);
  }

  /** The path of the next request's GET line, its headers skipped; null at the end of input. */
  private String readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null) return null;
    for (String header = readLine(in); header != null && !header.isEmpty(); ) {
      header = readLine(in);
    }
    requests.incrementAndGet();
    String[] parts = requestLine.split(" ");
    return parts.length >= 2 ? parts[1].substring(1) : "";
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      if (b != '\r') line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private void answer(OutputStream out, String path, boolean halfway) throws IOException {
    byte[] body = files.get(path);
    if (body == null) {
      out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes());
      return;
    }
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(body, 0, halfway ? body.length / 2 : body.length);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    connections.shutdownNow();
  }
}
