package org.repomirror.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.repomirror.debian.ArchivePaths;
import org.repomirror.debian.FormatException;

/**
 * An upstream that is a local or NFS-mounted directory ({@code file:///mnt/old-repo}). Its
 * validators are the file's size and nanosecond mtime, so a resumed copy restarts when the file
 * changed in between. Thread-safe.
 */
public final class LocalUpstream implements Upstream {
  private static final int BUFFER_SIZE = 256 * 1024;

  /** One buffer per transfer thread: most files are small, and zeroing 256 KiB each adds up. */
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);

  private final Path root;

  public LocalUpstream(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public Conditional fetch(String path, UpstreamValidators previous, int maxBytes)
      throws IOException {
    Path file = resolve(path);
    BasicFileAttributes a = attributes(path, file);
    UpstreamValidators now = validatorsOf(a);
    if (now.equals(previous)) return new NotModified();
    if (a.size() > maxBytes) {
      throw new FetchException(
          FetchException.Kind.FATAL, url(path), 0, a.size() + " bytes is too large", 0, null);
    }
    return new Body(Files.readAllBytes(file), now, Optional.of(a.lastModifiedTime().toMillis()));
  }

  @Override
  public Download download(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    Path file = resolve(path);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      BasicFileAttributes a = attributes(path, file);
      UpstreamValidators v = validatorsOf(a);
      boolean resume = offset > 0 && offset <= a.size() && v.etag().equals(ifRange);
      in.position(resume ? offset : 0);
      long copied;
      try (OutputStream out = sink.open(!resume);
          InputStream body = Channels.newInputStream(in)) {
        copied = copy(body, out);
      }
      return new Download(
          offset > 0 && !resume, copied, v, Optional.of(a.lastModifiedTime().toMillis()));
    } catch (NoSuchFileException e) {
      throw new FetchException(FetchException.Kind.NOT_FOUND, url(path), 0, "no such file", 0, e);
    }
  }

  @Override
  public String url(String path) {
    return root.resolve(path).toUri().toString();
  }

  private Path resolve(String path) throws IOException {
    try {
      return root.resolve(ArchivePaths.requireSafe(path, 0));
    } catch (FormatException e) {
      throw new FetchException(FetchException.Kind.FATAL, path, 0, e.getMessage(), 0, e);
    }
  }

  private BasicFileAttributes attributes(String path, Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new FetchException(FetchException.Kind.NOT_FOUND, url(path), 0, "no such file", 0, e);
    }
  }

  private static UpstreamValidators validatorsOf(BasicFileAttributes a) {
    String etag = "\"" + a.size() + "-" + a.lastModifiedTime().toInstant() + "\"";
    return new UpstreamValidators(etag, null);
  }

  private static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = BUFFERS.get();
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }
}
