package org.repomirror.source;

/**
 * What an upstream said about a URL, to ask next time whether it changed.
 *
 * @param etag the ETag header, or null
 * @param lastModified the Last-Modified header, or null
 */
public record UpstreamValidators(String etag, String lastModified) {}
