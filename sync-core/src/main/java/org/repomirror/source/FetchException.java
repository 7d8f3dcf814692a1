package org.repomirror.source;

import java.io.IOException;

/**
 * A fetch that failed, classified so that callers choose explicitly between retrying, falling back
 * to another variant, and giving up.
 */
public final class FetchException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How a failure should be handled. */
  public enum Kind {
    /** 404 or 410: the upstream does not have it. */
    NOT_FOUND,
    /** Reset, timeout, truncated body, 5xx, 408, 429: worth retrying. */
    TRANSIENT,
    /** Anything else (403, a redirect loop, a malformed URL): retrying will not help. */
    FATAL
  }

  private final Kind kind;
  private final String url;
  private final int status;
  private final long retryAfterMillis;
  private final UpstreamValidators validators;

  public FetchException(
      Kind kind, String url, int status, String message, long retryAfterMillis, Throwable cause) {
    this(kind, url, status, message, retryAfterMillis, null, cause);
  }

  /**
   * @param validators the ETag and Last-Modified of a response whose body broke off, so that a
   *     resumed request can send If-Range; null when there was no response
   */
  public FetchException(
      Kind kind,
      String url,
      int status,
      String message,
      long retryAfterMillis,
      UpstreamValidators validators,
      Throwable cause) {
    super(url + ": " + message, cause);
    this.kind = kind;
    this.url = url;
    this.status = status;
    this.retryAfterMillis = retryAfterMillis;
    this.validators = validators;
  }

  /** Validators of the response that broke off, or null. */
  public UpstreamValidators validators() {
    return validators;
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  /** The HTTP status, or 0 when none was received. */
  public int status() {
    return status;
  }

  /** What a Retry-After header asked for, or 0. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
