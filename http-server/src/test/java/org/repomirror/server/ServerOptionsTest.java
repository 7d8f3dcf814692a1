package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.TlsConfig;

/** Server options that change the transport or the logs: TLS, the access log file, the cap. */
class ServerOptionsTest {
  @TempDir Path tmp;
  private X509Certificate certificate;

  private Path root() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root/pool"));
    byte[] big = new byte[300_000];
    new Random(3).nextBytes(big);
    Files.write(root.resolve("big.deb"), big);
    Files.writeString(root.resolve("small.txt"), "small");
    return tmp.resolve("root");
  }

  /** Over TLS, HTTP/2 for a client that offers it by ALPN, HTTP/1.1 for one that does not. */
  @Test
  void servesOverTls() throws Exception {
    Path root = root();
    TlsConfig tls = selfSignedCertificate();
    ServerConfig config =
        TestServers.config(root, 100, Duration.ofSeconds(5), AccessLogTarget.OFF, tls);
    try (RepoServer server = RepoServer.start(config, AccessLog.OFF)) {
      HttpClient client = HttpClient.newBuilder().sslContext(trustingOurCertificate()).build();
      String baseUrl = "https://127.0.0.1:" + server.address().getPort();
      HttpResponse<byte[]> big =
          client.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/pool/big.deb")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(big.statusCode()).isEqualTo(200);
      assertThat(big.version()).as("chosen by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(big.body()).isEqualTo(Files.readAllBytes(root.resolve("pool/big.deb")));
      HttpResponse<byte[]> overHttp1 =
          HttpClient.newBuilder()
              .sslContext(trustingOurCertificate())
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/pool/big.deb")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(overHttp1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(overHttp1.body()).isEqualTo(big.body());
      HttpResponse<String> small =
          client.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/pool/small.txt")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(small.body()).isEqualTo("small");
      HttpResponse<byte[]> range =
          client.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/pool/big.deb"))
                  .header("Range", "bytes=1000-1999")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).hasSize(1000);
    }
  }

  /**
   * A sync's client sets TLS up only when an upstream needs it (not at every start), and then
   * checks the certificate: this one is trusted by nothing on the machine.
   */
  @Test
  void aPlanOverTlsRefusesACertificateNothingTrusts() throws Exception {
    Path root = root();
    Files.createDirectories(root.resolve("dists/stable"));
    Files.writeString(root.resolve("dists/stable/Release"), "Suite: stable\n");
    ServerConfig config =
        TestServers.config(
            root, 100, Duration.ofSeconds(5), AccessLogTarget.OFF, selfSignedCertificate());
    try (RepoServer server = RepoServer.start(config, AccessLog.OFF)) {
      Cli.Run plan =
          Cli.run(
              "plan",
              "--root",
              tmp.resolve("mirror").toString(),
              "--upstream",
              "https://127.0.0.1:" + server.address().getPort() + "/",
              "--dist",
              "dists/stable",
              "--no-verify-signature");
      assertThat(plan.code()).as(plan.all()).isEqualTo(1);
      assertThat(plan.out())
          .as(plan.all())
          .contains("TLS failed")
          .contains("unable to find valid certification path")
          .doesNotContain("Exception");
    }
  }

  @Test
  void writesTheAccessLogToAFile() throws Exception {
    Path root = root();
    Path logFile = tmp.resolve("access.log");
    ServerConfig config =
        TestServers.config(
            root, 100, Duration.ofSeconds(5), AccessLogTarget.parse(logFile.toString()), null);
    try (RepoServer server = RepoServer.start(config)) {
      try (RawHttp c =
          new RawHttp(new InetSocketAddress("127.0.0.1", server.address().getPort()))) {
        c.send(
                "GET /pool/small.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: Debian APT-HTTP/1.3 (2.6.1)\r\n\r\n")
            .read();
      }
    }
    // The appender is asynchronous and flushes on its own schedule; bounded wait.
    String text = "";
    for (int i = 0; i < 50 && !text.contains("small.txt"); i++) {
      Thread.sleep(100);
      text = Files.exists(logFile) ? Files.readString(logFile) : "";
    }
    assertThat(text)
        .contains("\"GET /pool/small.txt HTTP/1.1\" 200 5 \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"");
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
    Path root = root();
    ServerConfig config =
        TestServers.config(root, 2, Duration.ofSeconds(5), AccessLogTarget.OFF, null);
    try (RepoServer server = RepoServer.start(config, AccessLog.OFF)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.address().getPort());
      try (RawHttp a = new RawHttp(address);
          RawHttp b = new RawHttp(address)) {
        assertThat(a.send("GET /pool/small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
            .isEqualTo(200);
        assertThat(b.send("GET /pool/small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
            .isEqualTo(200);
        try (RawHttp third = new RawHttp(address)) {
          assertThat(third.closedByServer()).isTrue();
        }
        assertThat(a.send("GET /pool/small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
            .isEqualTo(200);
      }
      // Once the two close, there is room again.
      for (int i = 0; i < 50; i++) {
        try (RawHttp again = new RawHttp(address)) {
          again.timeout(2000);
          again.send("GET /pool/small.txt HTTP/1.1\r\nHost: t\r\n\r\n");
          if (again.read().status() == 200) return;
        } catch (java.io.IOException e) {
          Thread.sleep(50);
        }
      }
      throw new AssertionError("the server never accepted a connection again");
    }
  }

  /** A self-signed RSA certificate and PKCS#8 key, written as PEM files. */
  private TlsConfig selfSignedCertificate() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048);
    KeyPair kp = kpg.generateKeyPair();
    X500Name name = new X500Name("CN=localhost");
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE),
                        Date.from(Instant.now().minus(Duration.ofDays(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(1))),
                        name,
                        kp.getPublic())
                    .addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
    this.certificate = cert;
    Path certFile = tmp.resolve("cert.pem");
    Path keyFile = tmp.resolve("key.pem");
    Files.writeString(certFile, pem(cert), StandardCharsets.US_ASCII);
    Files.writeString(
        keyFile,
        pem(new JcaPKCS8Generator(kp.getPrivate(), null).generate()),
        StandardCharsets.US_ASCII);
    return new TlsConfig(certFile, keyFile);
  }

  private static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** A client context that trusts exactly the test's certificate, hostname checks included. */
  private SSLContext trustingOurCertificate() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("repomirror-test", certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ssl;
  }
}
