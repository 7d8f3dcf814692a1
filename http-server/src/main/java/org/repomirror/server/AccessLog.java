package org.repomirror.server;

/**
 * Receives one entry per answered request, on the connection's event loop. Implementations must not
 * block. Thread-safe.
 */
public interface AccessLog {
  /** Discards every entry. */
  AccessLog OFF = entry -> {};

  void log(AccessLogEntry entry);
}
