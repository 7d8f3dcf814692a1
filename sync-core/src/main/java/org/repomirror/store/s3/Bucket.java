package org.repomirror.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.repomirror.fs.CrashPoint;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket under a prefix, in the terms the published tree needs: objects written whole and checked
 * against what was sent, read, listed and deleted by their path below the prefix. Every failure is
 * an {@link IOException} that names the object and what the store said, never a credential.
 * Thread-safe.
 */
final class Bucket {
  /** The user metadata that holds a file's mtime, in ms since the epoch. */
  static final String MTIME = "mtime";

  /**
   * The user metadata that makes an empty object stand for a symbolic link to its value, a path
   * percent-encoded as UTF-8 (a header carries ASCII only).
   */
  static final String LINK = "symlink";

  /** A link's target as its metadata holds it. */
  static String encodeLink(String target) {
    return URLEncoder.encode(target, StandardCharsets.UTF_8);
  }

  /** Files above this go in parts, each checked on its own. */
  private static final long MULTIPART_ABOVE = 64L << 20;

  private static final int PART_BYTES = 16 << 20;
  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String name;
  private final String prefix;

  /**
   * Whether the client signs each body's SHA-256, which the store checks: the SDK does over plain
   * HTTP whatever it is told, and sends {@code UNSIGNED-PAYLOAD} over HTTPS.
   */
  private final boolean signsPayload;

  /**
   * @param prefix the keys' common start, empty or ending in {@code /}
   */
  Bucket(S3Client s3, String name, String prefix) {
    this.s3 = s3;
    this.name = name;
    this.prefix = prefix;
    this.signsPayload =
        s3.serviceClientConfiguration()
            .endpointOverride()
            .map(e -> "http".equalsIgnoreCase(e.getScheme()))
            .orElse(false);
  }

  /** An object's size, ETag and the metadata the mirror keeps in it. */
  record Head(long size, String etag, long mtimeMillis, String linkTarget) {}

  /** An object as a listing shows it; its mtime is the store's, not the metadata's. */
  record Listed(String path, long size, String etag, long lastModifiedMillis) {}

  /** Where the bucket is, for messages: {@code s3://bucket/prefix}. */
  String url(String path) {
    return "s3://" + name + "/" + prefix + path;
  }

  /**
   * Writes a local file to a path, whole: the store checks each byte against the MD5 sent with it,
   * and the ETag it answers is checked against the same digest.
   *
   * @return the object's ETag
   */
  String put(Path file, String path, long mtimeMillis) throws IOException {
    return put(file, path, mtimeMillis, null);
  }

  /**
   * Writes a local file whose SHA-256 was verified to a path, whole, refused unless the file is
   * still the one verified. Where the client signs the body's SHA-256 and the store checks it
   * (plain HTTP), the file is hashed as the signer reads it, and a changed file fails before a byte
   * is sent: the store holds exactly the verified bytes, with no MD5 taken. Elsewhere the read that
   * takes the MD5 sent with it checks the SHA-256 too; a file in parts is checked whole before the
   * upload is completed.
   *
   * @param sha256 the file's verified SHA-256, hex; null when none is known
   * @return the object's ETag
   */
  String put(Path file, String path, long mtimeMillis, String sha256) throws IOException {
    long size = Files.size(file);
    Map<String, String> meta = Map.of(MTIME, Long.toString(mtimeMillis));
    try {
      if (size > MULTIPART_ABOVE) {
        return putInParts(file, path, size, meta, sha256);
      } else if (sha256 != null && signsPayload && size > 0) {
        String etag =
            s3.putObject(
                    b -> b.bucket(name).key(prefix + path).contentLength(size).metadata(meta),
                    RequestBody.fromContentProvider(
                        () -> new VerifiedStream(file, size, sha256, url(path)),
                        size,
                        "application/octet-stream"))
                .eTag();
        if (etag == null || etag.isBlank()) {
          throw new IOException(url(path) + ": the store answered no ETag");
        }
        return etag.replace("\"", "");
      } else {
        byte[] md5 = md5(file, sha256, path);
        String etag =
            s3.putObject(
                    b ->
                        b.bucket(name)
                            .key(prefix + path)
                            .contentLength(size)
                            .contentMD5(Base64.getEncoder().encodeToString(md5))
                            .metadata(meta),
                    RequestBody.fromFile(file))
                .eTag();
        return requireEtag(path, etag, HexFormat.of().formatHex(md5));
      }
    } catch (SdkException e) {
      throw failure("writing", path, e);
    }
  }

  /**
   * Writes bytes to a path, whole.
   *
   * @return the object's ETag
   */
  String put(String path, byte[] bytes, Map<String, String> meta) throws IOException {
    byte[] md5 = digest().digest(bytes);
    try {
      String etag =
          s3.putObject(
                  b ->
                      b.bucket(name)
                          .key(prefix + path)
                          .contentMD5(Base64.getEncoder().encodeToString(md5))
                          .metadata(meta),
                  RequestBody.fromBytes(bytes))
              .eTag();
      return requireEtag(path, etag, HexFormat.of().formatHex(md5));
    } catch (SdkException e) {
      throw failure("writing", path, e);
    }
  }

  private String putInParts(
      Path file, String path, long size, Map<String, String> meta, String sha256)
      throws IOException {
    String key = prefix + path;
    String upload =
        s3.createMultipartUpload(b -> b.bucket(name).key(key).metadata(meta)).uploadId();
    try (FileChannel in = FileChannel.open(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      MessageDigest ofParts = digest();
      MessageDigest whole =
          sha256 == null ? null : org.repomirror.debian.HashAlgorithm.SHA256.newDigest();
      for (long offset = 0; offset < size; offset += PART_BYTES) {
        int number = parts.size() + 1;
        ByteBuffer part = ByteBuffer.allocate((int) Math.min(PART_BYTES, size - offset));
        while (part.hasRemaining()) {
          if (in.read(part, offset + part.position()) < 0) {
            throw new IOException(file + " shrank while it was written to " + url(path));
          }
        }
        byte[] bytes = part.array();
        byte[] md5 = digest().digest(bytes);
        ofParts.update(md5);
        if (whole != null) whole.update(bytes);
        String etag =
            s3.uploadPart(
                    b ->
                        b.bucket(name)
                            .key(key)
                            .uploadId(upload)
                            .partNumber(number)
                            .contentMD5(Base64.getEncoder().encodeToString(md5)),
                    RequestBody.fromBytes(bytes))
                .eTag();
        requireEtag(path + " part " + number, etag, HexFormat.of().formatHex(md5));
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        CrashPoint.reached("bucket-part");
      }
      if (whole != null && !HexFormat.of().formatHex(whole.digest()).equalsIgnoreCase(sha256)) {
        throw new IOException(url(path) + ": the staged file is not the one verified");
      }
      s3.completeMultipartUpload(
          b -> b.bucket(name).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
      // The ETag of a whole made of parts is the MD5 of the parts' MD5s, and their count.
      String expected = HexFormat.of().formatHex(ofParts.digest()) + "-" + parts.size();
      Head head = head(path).orElseThrow(() -> new IOException(url(path) + ": gone once written"));
      return requireEtag(path, head.etag(), expected);
    } catch (SdkException | IOException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(name).key(key).uploadId(upload));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  private String requireEtag(String path, String etag, String expectedHex) throws IOException {
    String got = etag == null ? "" : etag.replace("\"", "");
    if (!got.equalsIgnoreCase(expectedHex)) {
      throw new IOException(
          url(path) + ": the store holds ETag '" + got + "', not the '" + expectedHex + "' sent");
    }
    return got;
  }

  /** Copies an object within the bucket, metadata included. */
  void copy(String from, String to) throws IOException {
    try {
      s3.copyObject(
          b ->
              b.sourceBucket(name)
                  .sourceKey(prefix + from)
                  .destinationBucket(name)
                  .destinationKey(prefix + to)
                  .metadataDirective(MetadataDirective.COPY));
    } catch (SdkException e) {
      throw failure("copying " + from + " to", to, e);
    }
  }

  /** An object's size, ETag and metadata; empty when there is none at the path. */
  Optional<Head> head(String path) throws IOException {
    try {
      HeadObjectResponse r = s3.headObject(b -> b.bucket(name).key(prefix + path));
      return Optional.of(headOf(r.contentLength(), r.eTag(), r.metadata(), r.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return Optional.empty();
      throw failure("reading", path, e);
    } catch (SdkException e) {
      throw failure("reading", path, e);
    }
  }

  /**
   * Opens an object.
   *
   * @throws NoSuchFileException when there is none at the path
   */
  InputStream open(String path) throws IOException {
    try {
      return s3.getObject(b -> b.bucket(name).key(prefix + path));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(url(path));
    } catch (SdkException e) {
      throw failure("reading", path, e);
    }
  }

  /** A small object's bytes, or empty when there is none. */
  Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = open(path)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Every object below a folder, by its path below the prefix. */
  void list(String folder, Consumer<Listed> sink) throws IOException {
    String start = prefix + folder;
    try {
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page =
            s3.listObjectsV2(b -> b.bucket(name).prefix(start).continuationToken(t));
        for (S3Object o : page.contents()) sink.accept(listed(o));
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failure("listing", folder, e);
    }
  }

  private Listed listed(S3Object o) {
    return new Listed(
        o.key().substring(prefix.length()),
        o.size(),
        o.eTag().replace("\"", ""),
        o.lastModified() == null ? 0 : o.lastModified().toEpochMilli());
  }

  /** The objects right in a folder, not below its folders. */
  void files(String folder, Consumer<Listed> sink) throws IOException {
    String start = prefix + folder;
    try {
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page =
            s3.listObjectsV2(b -> b.bucket(name).prefix(start).delimiter("/").continuationToken(t));
        for (S3Object o : page.contents()) sink.accept(listed(o));
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failure("listing", folder, e);
    }
  }

  /** Whether any object's path starts so. */
  boolean any(String start) throws IOException {
    try {
      return !s3.listObjectsV2(b -> b.bucket(name).prefix(prefix + start).maxKeys(1))
          .contents()
          .isEmpty();
    } catch (SdkException e) {
      throw failure("listing", start, e);
    }
  }

  /**
   * Writes an object to a local file, whole or not at all.
   *
   * @return what the store said of it; empty when there is none at the path
   */
  Optional<Head> download(String path, Path target) throws IOException {
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    try {
      Files.deleteIfExists(partial);
      var r = s3.getObject(b -> b.bucket(name).key(prefix + path), partial);
      Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(headOf(r.contentLength(), r.eTag(), r.metadata(), r.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("reading", path, e);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** What a HEAD or a GET said of an object, with the mirror's metadata read. */
  private static Head headOf(
      long size, String etag, Map<String, String> metadata, java.time.Instant stored) {
    String link = metadata.get(LINK);
    return new Head(
        size,
        etag.replace("\"", ""),
        mtime(metadata.get(MTIME), stored),
        link == null ? null : URLDecoder.decode(link, StandardCharsets.UTF_8));
  }

  private static long mtime(String meta, java.time.Instant stored) {
    if (meta != null) {
      try {
        return Long.parseLong(meta);
      } catch (NumberFormatException e) {
        // written by something else: the store's own time stands
      }
    }
    return stored != null ? stored.toEpochMilli() : 0;
  }

  /** The names of the folders right below a folder. */
  List<String> folders(String folder) throws IOException {
    String start = prefix + folder;
    List<String> names = new ArrayList<>();
    try {
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page =
            s3.listObjectsV2(b -> b.bucket(name).prefix(start).delimiter("/").continuationToken(t));
        for (CommonPrefix p : page.commonPrefixes()) {
          String below = p.prefix().substring(start.length());
          names.add(below.substring(0, below.length() - 1));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failure("listing", folder, e);
    }
    return names;
  }

  /** Deletes objects; an absent one is no error. */
  void delete(List<String> paths) throws IOException {
    for (int from = 0; from < paths.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> ids = new ArrayList<>();
      for (String p : paths.subList(from, Math.min(paths.size(), from + DELETE_BATCH))) {
        ids.add(ObjectIdentifier.builder().key(prefix + p).build());
      }
      try {
        var r = s3.deleteObjects(b -> b.bucket(name).delete(d -> d.objects(ids).quiet(true)));
        if (r.hasErrors() && !r.errors().isEmpty()) {
          var e = r.errors().getFirst();
          throw new IOException(
              "deleting "
                  + url(e.key().substring(prefix.length()))
                  + ": "
                  + e.code()
                  + " "
                  + e.message()
                  + " ("
                  + r.errors().size()
                  + " objects not deleted)");
        }
      } catch (SdkException e) {
        throw failure("deleting", paths.get(from), e);
      }
    }
  }

  /**
   * Aborts the multipart uploads under the prefix that never completed (a run that crashed
   * mid-file), so that the store frees their parts.
   *
   * @return how many were aborted
   */
  int abortUploads() throws IOException {
    int aborted = 0;
    try {
      for (var u : s3.listMultipartUploadsPaginator(b -> b.bucket(name).prefix(prefix)).uploads()) {
        s3.abortMultipartUpload(b -> b.bucket(name).key(u.key()).uploadId(u.uploadId()));
        aborted++;
      }
    } catch (SdkException e) {
      throw failure("aborting the uploads under", "", e);
    }
    return aborted;
  }

  /** Deletes every object below a folder. */
  void deleteFolder(String folder) throws IOException {
    List<String> paths = new ArrayList<>();
    list(folder, o -> paths.add(o.path()));
    delete(paths);
  }

  private IOException failure(String doing, String path, SdkException e) {
    String said =
        e instanceof S3Exception s3e && s3e.awsErrorDetails() != null
            ? s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")"
            : e.getMessage();
    return new IOException(doing + " " + url(path) + ": " + said, e);
  }

  /**
   * A file read as it is sent, hashed on the way: the read that completes its length fails, and
   * with it the write, unless the bytes are the verified ones; so does a file that ends early.
   */
  private static final class VerifiedStream extends java.io.FilterInputStream {
    private final MessageDigest sha256 = org.repomirror.debian.HashAlgorithm.SHA256.newDigest();
    private final String expected;
    private final String where;
    private long remaining;

    VerifiedStream(Path file, long size, String expected, String where) {
      super(open(file));
      this.remaining = size;
      this.expected = expected;
      this.where = where;
    }

    private static InputStream open(Path file) {
      try {
        return Files.newInputStream(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0 && remaining > 0) {
        throw new IOException(where + ": the staged file is shorter than the one verified");
      }
      if (n > 0) {
        sha256.update(b, off, n);
        remaining -= n;
        if (remaining == 0) {
          String got = HexFormat.of().formatHex(sha256.digest());
          if (!got.equalsIgnoreCase(expected)) {
            throw new IOException(
                where + ": the staged file is not the one verified (SHA-256 " + got + ")");
          }
        } else if (remaining < 0) {
          throw new IOException(where + ": the staged file is longer than the one verified");
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("a verified file is read whole");
    }
  }

  /**
   * A file's MD5, to send with it; when its verified SHA-256 is known, the same read checks that
   * the file is still the one verified.
   */
  private byte[] md5(Path file, String sha256, String path) throws IOException {
    MessageDigest md = digest();
    MessageDigest sha =
        sha256 == null ? null : org.repomirror.debian.HashAlgorithm.SHA256.newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        if (sha != null) sha.update(buf, 0, n);
      }
    }
    if (sha != null) {
      String got = HexFormat.of().formatHex(sha.digest());
      if (!got.equalsIgnoreCase(sha256)) {
        throw new IOException(
            url(path) + ": the staged file is not the one verified (SHA-256 " + got + ")");
      }
    }
    return md.digest();
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
