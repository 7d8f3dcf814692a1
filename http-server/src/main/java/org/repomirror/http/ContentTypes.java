package org.repomirror.http;

import java.util.Locale;
import java.util.Map;

/**
 * Content types by file name. Compressed indexes get the type of their compression and are never
 * given a Content-Encoding: apt wants the bytes exactly as published.
 */
public final class ContentTypes {
  public static final String DEFAULT = "application/octet-stream";
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String HTML = "text/html; charset=utf-8";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("deb", "application/vnd.debian.binary-package"),
          Map.entry("udeb", "application/vnd.debian.binary-package"),
          Map.entry("ddeb", "application/vnd.debian.binary-package"),
          Map.entry("gz", "application/gzip"),
          Map.entry("tgz", "application/gzip"),
          Map.entry("xz", "application/x-xz"),
          Map.entry("bz2", "application/x-bzip2"),
          Map.entry("lzma", "application/x-lzma"),
          Map.entry("zst", "application/zstd"),
          Map.entry("lz4", "application/x-lz4"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("zip", "application/zip"),
          Map.entry("gpg", "application/pgp-signature"),
          Map.entry("sig", "application/pgp-signature"),
          Map.entry("asc", "text/plain; charset=utf-8"),
          Map.entry("dsc", TEXT),
          Map.entry("changes", TEXT),
          Map.entry("buildinfo", TEXT),
          Map.entry("diff", TEXT),
          Map.entry("txt", TEXT),
          Map.entry("html", HTML),
          Map.entry("htm", HTML),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("xml", "application/xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("pdf", "application/pdf"));

  private ContentTypes() {}

  /** The Content-Type for a file name (the last path segment). */
  public static String forName(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      // Release, InRelease, Packages, Sources, Index, ls-lR, trace files...
      return TEXT;
    }
    String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    String type = BY_EXTENSION.get(ext);
    return type != null ? type : DEFAULT;
  }
}
