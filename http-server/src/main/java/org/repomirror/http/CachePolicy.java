package org.repomirror.http;

import java.time.Duration;
import java.util.List;

/**
 * The {@code Cache-Control} of each path, so that a cache or CDN in front of the origin is correct.
 * Pool files and by-hash objects never change under their name and are immutable; every other path,
 * including all of {@code dists/} outside by-hash, gets the same short max-age, so that Release,
 * Release.gpg and InRelease always expire together.
 */
public final class CachePolicy {
  /** One year, the longest max-age RFC 9111 recommends. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final String shortLived;

  public CachePolicy(Duration metadataMaxAge) {
    this.shortLived = "public, max-age=" + metadataMaxAge.toSeconds();
  }

  /**
   * @param segments the normalised path segments
   * @param directory whether the path is a directory (listings are never immutable)
   */
  public String cacheControl(List<String> segments, boolean directory) {
    if (directory) return shortLived;
    if (segments.contains("by-hash")) return IMMUTABLE;
    for (String s : segments) {
      if (s.equals("pool")) return IMMUTABLE;
      if (s.equals("dists")) return shortLived;
    }
    return shortLived;
  }
}
