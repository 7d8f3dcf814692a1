package org.repomirror.store.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.LongSupplier;
import org.repomirror.config.StoreConfig;
import org.repomirror.store.PublishedFiles;
import org.repomirror.store.ServedTree;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * An S3-compatible object store and a place in it ({@code s3://BUCKET/PREFIX}), and the clients
 * made for it.
 *
 * @param location {@code s3://BUCKET} or {@code s3://BUCKET/PREFIX}
 * @param endpoint the store's URL; null for AWS itself
 * @param region the region to sign for; {@code us-east-1} suits most stores that are not AWS
 * @param pathStyle bucket in the path rather than the host name, as Ceph RGW and MinIO want
 * @param credentialsFile an AWS-style credentials file that only the service user may read; null
 *     for the SDK's default chain (the environment's {@code AWS_ACCESS_KEY_ID} and {@code
 *     AWS_SECRET_ACCESS_KEY} first)
 */
public record S3Store(
    URI location, URI endpoint, String region, boolean pathStyle, Path credentialsFile) {
  /** Connections to the store at once: the writers of a run and the reads beside them. */
  private static final int CONNECTIONS = 32;

  public S3Store {
    if (location == null || !"s3".equals(location.getScheme()) || location.getHost() == null) {
      throw new IllegalArgumentException(
          "an object store location is s3://BUCKET[/PREFIX], got '" + location + "'");
    }
    region = region != null ? region : "us-east-1";
  }

  /** The store a configuration names. */
  public static S3Store of(StoreConfig c) {
    return new S3Store(c.location(), c.endpoint(), c.region(), c.pathStyle(), c.credentialsFile());
  }

  /** Whether a location names a bucket. */
  public static boolean handles(URI location) {
    return location != null && "s3".equals(location.getScheme());
  }

  public String bucket() {
    return location.getHost();
  }

  /** The keys' common start: empty, or ending in {@code /}. */
  public String prefix() {
    String path = location.getPath() == null ? "" : location.getPath();
    while (path.startsWith("/")) path = path.substring(1);
    return path.isEmpty() || path.endsWith("/") ? path : path + "/";
  }

  /**
   * A client for the store. The checksums the SDK would add to every request are left to when the
   * operation needs them: some stores (Ceph RGW 16) refuse them, and each write here carries an MD5
   * of its own.
   *
   * @throws IOException when the credentials file is missing, or others than its owner may read it
   */
  public S3Client client() throws IOException {
    var builder =
        S3Client.builder()
            .region(Region.of(region))
            .forcePathStyle(pathStyle)
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(credentials())
            .httpClientBuilder(Apache5HttpClient.builder().maxConnections(CONNECTIONS));
    if (endpoint != null) builder.endpointOverride(endpoint);
    return builder.build();
  }

  private AwsCredentialsProvider credentials() throws IOException {
    if (credentialsFile == null) return DefaultCredentialsProvider.builder().build();
    if (!Files.isReadable(credentialsFile)) {
      throw new IOException("cannot read the S3 credentials file " + credentialsFile);
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(credentialsFile);
      if (mode.contains(PosixFilePermission.GROUP_READ)
          || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IOException(
            "the S3 credentials file "
                + credentialsFile
                + " may be read by others than its owner: chmod 600 it");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX filesystem: nothing to check
    }
    return ProfileCredentialsProvider.builder()
        .profileFile(
            ProfileFile.builder()
                .content(credentialsFile)
                .type(ProfileFile.Type.CREDENTIALS)
                .build())
        .profileName("default")
        .build();
  }

  /**
   * The published tree in the store as a server node reads it, its objects kept in a local cache;
   * it closes its own client.
   *
   * @param nanoTime a monotonic clock in nanoseconds, for how long what was read is trusted
   */
  public ServedTree served(ObjectCache cache, LongSupplier nanoTime) throws IOException {
    S3Client s3 = client();
    return new BucketServedTree(new Bucket(s3, bucket(), prefix()), cache, nanoTime, s3);
  }

  /**
   * The published tree in the store, for a sync.
   *
   * @param staging where verified files wait: a local folder
   * @param journal where what is learnt of the objects is kept between runs (their mtimes, which a
   *     listing does not give), on the sync node; null for nowhere
   */
  public BucketTree tree(S3Client s3, Path staging, Path journal) {
    return new BucketTree(new Bucket(s3, bucket(), prefix()), staging, journal);
  }

  /** The published tree in the store as {@code verify} and {@code status} read it. */
  public PublishedFiles files(S3Client s3) {
    return new BucketFiles(new Bucket(s3, bucket(), prefix()));
  }
}
