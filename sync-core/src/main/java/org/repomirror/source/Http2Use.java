package org.repomirror.source;

import java.util.Locale;

/** Whether a sync's HTTP requests go as streams of one HTTP/2 connection. */
public enum Http2Use {
  /** Once the upstream's answers say it is a repomirror, which offers h2c and h2. */
  AUTO,
  /** From the first request: the upstream must speak it (h2c by prior knowledge, or ALPN). */
  ON,
  /** Never: HTTP/1.1, pipelined. */
  OFF;

  /** The value of a configuration's {@code http2}: auto, on or off. */
  public static Http2Use of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
