package org.repomirror.http;

import java.time.Duration;
import java.util.List;

/**
 * The {@code Cache-Control} of each path, so that a cache or CDN in front of the origin is correct.
 * Pool files and by-hash objects never change under their name and are immutable. A suite's
 * metadata under {@code dists/} (Release, Release.gpg, InRelease and the indexes by their names)
 * either shares one short max-age, so that its files expire together, or, when the server pins
 * clients to generations, must be revalidated on every use: only the origin knows which generation
 * each client is on, so a cache must ask it each time (nginx and Varnish then pass these small
 * files through and cache the pool). Listings and other files get the short max-age.
 */
public final class CachePolicy {
  /** One year, the longest max-age RFC 9111 recommends. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** May be stored, but must be revalidated with the origin before every use (RFC 9111 5.2.2.4). */
  public static final String REVALIDATE = "public, no-cache";

  private final String shortLived;
  private final String metadata;

  /**
   * @param revalidateMetadata whether a suite's metadata must be revalidated on every use (when
   *     clients are pinned) rather than kept for {@code metadataMaxAge}
   */
  public CachePolicy(Duration metadataMaxAge, boolean revalidateMetadata) {
    this.shortLived = "public, max-age=" + metadataMaxAge.toSeconds();
    this.metadata = revalidateMetadata ? REVALIDATE : shortLived;
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
      if (s.equals("dists")) return metadata;
    }
    return shortLived;
  }
}
