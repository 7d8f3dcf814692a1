package org.repomirror.server;

/**
 * Receives one entry per answered request, on the connection's event loop. Implementations must not
 * block. Thread-safe.
 */
interface AccessLog extends AutoCloseable {
  /** Discards every entry. */
  AccessLog OFF = entry -> {};

  void log(AccessLogEntry entry);

  /** Writes out what is queued and releases the log; entries logged later are lost. */
  @Override
  default void close() {}
}
