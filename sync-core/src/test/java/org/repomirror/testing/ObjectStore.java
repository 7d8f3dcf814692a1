package org.repomirror.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.repomirror.sample.SampleRepository;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 object store on loopback: a single-node Ceph RGW from Debian's own packages, started
 * once per test JVM by the project's {@code .ci/s3/start-s3.sh} and stopped when the JVM exits.
 * Each test takes a bucket of its own. Outside CI a machine that cannot start it (not root, no Ceph
 * packages to be had) skips the test; on CI ({@code CI=true}) that is a failure.
 */
public final class ObjectStore {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static ObjectStore shared;

  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final S3Client admin;

  private ObjectStore(URI endpoint, String accessKey, String secretKey) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.admin = client();
  }

  /** The store of this JVM, started on first use. */
  public static synchronized ObjectStore shared() throws IOException, InterruptedException {
    if (shared == null) shared = start();
    return shared;
  }

  private static ObjectStore start() throws IOException, InterruptedException {
    Path scripts = scripts();
    Path dir = Files.createTempDirectory("repomirror-s3-");
    int port = Nginx.freePort();
    Process p =
        new ProcessBuilder(
                scripts.resolve("start-s3.sh").toString(), dir.toString(), Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      unavailable("the object store did not start within 300 s; see " + dir + ".log");
    }
    if (p.exitValue() != 0) {
      unavailable(
          "the object store did not start (exit "
              + p.exitValue()
              + "): "
              + Files.readString(dir.resolveSibling(dir.getFileName() + ".log")));
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    new ProcessBuilder(
                            scripts.resolve("stop-s3.sh").toString(), dir.toString(), "--purge")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(60, TimeUnit.SECONDS);
                    Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".log"));
                  } catch (IOException | InterruptedException e) {
                    // the JVM is exiting; the store's folder is in /tmp
                  }
                }));
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("s3.env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return new ObjectStore(
        URI.create(env.get("S3_ENDPOINT")), env.get("S3_ACCESS_KEY"), env.get("S3_SECRET_KEY"));
  }

  private static void unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) throw new IllegalStateException(why);
    Assumptions.abort(why);
  }

  /** The project's {@code .ci/s3}, found above the working folder (a module's, under Maven). */
  private static Path scripts() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path s = dir.resolve(".ci/s3");
      if (Files.isExecutable(s.resolve("start-s3.sh"))) return s;
    }
    throw new IllegalStateException("no .ci/s3/start-s3.sh above " + Path.of("").toAbsolutePath());
  }

  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** A new, empty bucket. */
  public String newBucket() {
    String name = "test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    admin.createBucket(b -> b.bucket(name));
    return name;
  }

  /**
   * What a bucket holds under a prefix in {@link TreeSnapshot#of}'s terms: each object's SHA-256
   * and the mtime its metadata keeps, or the target of an object that stands for a link; the
   * mirror's own objects left out.
   *
   * @param mtimeDivisor 1 to compare mtimes to the millisecond, 1000 to the second
   */
  public Map<String, String> snapshot(String bucket, String prefix, long mtimeDivisor)
      throws Exception {
    Map<String, String> entries = new TreeMap<>();
    for (S3Object o :
        admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      String rel = o.key().substring(prefix.length());
      if (rel.startsWith(".")
          || rel.contains("/.")
          || rel.startsWith("project/repomirror/")
          || rel.startsWith("project/trace/")) {
        continue;
      }
      ResponseBytes<GetObjectResponse> got =
          admin.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()));
      Map<String, String> meta = got.response().metadata();
      if (meta.containsKey("symlink")) {
        entries.put(rel, "-> " + URLDecoder.decode(meta.get("symlink"), StandardCharsets.UTF_8));
      } else {
        entries.put(
            rel,
            SampleRepository.hex("SHA-256", got.asByteArray())
                + " "
                + Long.parseLong(meta.get("mtime")) / mtimeDivisor);
      }
    }
    return entries;
  }

  /** A client as this Ceph version needs it (see .ci/s3/README.md). */
  public S3Client client(ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .overrideConfiguration(
            o -> {
              for (ExecutionInterceptor i : interceptors) o.addExecutionInterceptor(i);
            })
        .build();
  }
}
