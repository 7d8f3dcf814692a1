package org.repomirror.source;

/**
 * How a run's requests to the upstream went over one protocol, for the report.
 *
 * @param protocol {@code HTTP/1.1} or {@code HTTP/2}
 * @param connections connections opened
 * @param requests requests answered; over HTTP/2, each one a stream
 * @param mostAtOnce the most requests in flight on one connection at once
 */
public record TransportUse(String protocol, int connections, long requests, int mostAtOnce) {}
