package org.repomirror.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every access log entry in memory, for assertions. Thread-safe. */
final class RecordingAccessLog implements AccessLog {
  private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

  @Override
  public void log(AccessLogEntry entry) {
    entries.add(entry);
  }

  List<AccessLogEntry> entries() {
    return List.copyOf(entries);
  }

  void clear() {
    entries.clear();
  }

  /** How many requests so far were answered over HTTP/2. */
  long overHttp2() {
    return entries.stream().filter(e -> e.requestLine().endsWith(" HTTP/2.0")).count();
  }

  /** The request targets logged so far, e.g. {@code /dists/stable/InRelease}. */
  List<String> targets() {
    return entries.stream().map(e -> e.requestLine().split(" ")[1]).toList();
  }
}
