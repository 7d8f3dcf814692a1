package org.repomirror.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void emptyFileGivesDefaults() throws Exception {
    RepomirrorConfig config = ConfigLoader.parse("", "empty.yaml");
    assertThat(config.server().listen()).isEqualTo(ServerConfig.DEFAULT_LISTEN);
    assertThat(config.server().idleTimeout()).isEqualTo(ServerConfig.DEFAULT_IDLE_TIMEOUT);
    assertThat(config.server().accessLog()).isEqualTo(AccessLogTarget.STDOUT);
    assertThat(config.server().root()).isNull();
  }

  @Test
  void readsEveryServerKey() throws Exception {
    String yaml =
        """
        server:
          root: /srv/mirror
          listen: "[::1]:8081"
          admin-listen: 127.0.0.1:9999
          io-threads: 2
          max-connections: 500
          header-timeout: 5s
          idle-timeout: 2m
          shutdown-timeout: 1500ms
          metadata-max-age: 0s
          small-file-cache: 8MiB
          access-log: /var/log/repomirror/access.log
          tls:
            certificate: /etc/cert.pem
            private-key: /etc/key.pem
        """;
    ServerConfig s = ConfigLoader.parse(yaml, "t.yaml").server();
    assertThat(s.root()).isEqualTo(Path.of("/srv/mirror"));
    assertThat(s.listen()).isEqualTo(new HostPort("::1", 8081));
    assertThat(s.adminListen()).isEqualTo(new HostPort("127.0.0.1", 9999));
    assertThat(s.ioThreads()).isEqualTo(2);
    assertThat(s.maxConnections()).isEqualTo(500);
    assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.metadataMaxAge()).isEqualTo(Duration.ZERO);
    assertThat(s.smallFileCache()).isEqualTo(new ByteSize(8L << 20));
    assertThat(s.accessLog().file()).isEqualTo(Path.of("/var/log/repomirror/access.log"));
    assertThat(s.tls().privateKey()).isEqualTo(Path.of("/etc/key.pem"));
  }

  @Test
  void unknownKeyNamesKeyAndLine() {
    String yaml = "server:\n  listen: :80\n  max-conections: 5\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("c.yaml:3: server.max-conections: unknown key")
        .hasMessageContaining("max-connections");
  }

  @Test
  void unknownTopLevelKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("servr:\n  listen: :80\n", "c.yaml"))
        .hasMessageStartingWith("c.yaml:1: servr: unknown key");
  }

  @Test
  void outOfRangeValueNamesKeyAndLine() {
    String yaml = "server:\n  listen: :80\n\n  max-connections: 0\n  idle-timeout: 5s\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessage("c.yaml:4: server.max-connections: must be at least 1, got 0");
  }

  @Test
  void thePipelineIsAtMost32DeepUnlessSaidAndNamedWhenOutOfRange() throws Exception {
    String sync = "sync:\n  upstream: http://example.org/\n  root: /srv/m\n";
    assertThat(ConfigLoader.parse(sync, "c.yaml").sync().pipeline()).isEqualTo(32);
    assertThat(ConfigLoader.parse(sync + "  pipeline: 1\n", "c.yaml").sync().pipeline())
        .isEqualTo(1);
    assertThatThrownBy(() -> ConfigLoader.parse(sync + "  pipeline: 0\n", "c.yaml"))
        .hasMessage("c.yaml:4: sync.pipeline: must be 1..64, got 0");
  }

  @Test
  void anRsyncOrSshUpstreamNeedsItsModuleOrFolderAndTakesItsOwnShell() throws Exception {
    String ssh = "sync:\n  upstream: ssh://mirror@old-host/srv/maemo/\n  root: /srv/m\n";
    assertThat(ConfigLoader.parse(ssh, "c.yaml").sync().rsh()).isEqualTo("ssh");
    assertThat(
            ConfigLoader.parse(ssh + "  rsh: ssh -i /etc/repomirror/key\n", "c.yaml").sync().rsh())
        .isEqualTo("ssh -i /etc/repomirror/key");
    assertThatThrownBy(() -> ConfigLoader.parse("sync:\n  upstream: rsync://old-host\n", "c.yaml"))
        .hasMessage(
            "c.yaml:2: sync.upstream: names no module: 'rsync://old-host'; e.g."
                + " rsync://host/debian/");
    SyncConfig tree =
        ConfigLoader.parse(
                "sync:\n  upstream: rsync://old-host/maemo/\n  mode: tree\n"
                    + "  tree-source: autoindex\n",
                "c.yaml")
            .sync();
    assertThatThrownBy(tree::checkRunnable)
        .hasMessageContaining("autoindex needs an http:// or https:// upstream");
  }

  @Test
  void anObjectStoreTakesItsLocationAndDefaultsForAStoreThatIsNotAws() throws Exception {
    String sync = "sync:\n  root: /var/lib/repomirror/state\n  store:\n";
    StoreConfig store =
        ConfigLoader.parse(
                sync
                    + "    location: s3://maemo-mirror/repository\n"
                    + "    endpoint: http://127.0.0.1:7480\n"
                    + "    credentials-file: /etc/repomirror/s3-credentials\n",
                "c.yaml")
            .sync()
            .store();
    assertThat(store.location()).isEqualTo(URI.create("s3://maemo-mirror/repository"));
    assertThat(store.region()).isEqualTo("us-east-1");
    assertThat(store.pathStyle()).as("with an endpoint: Ceph, MinIO").isTrue();
    assertThat(store.credentialsFile()).isEqualTo(Path.of("/etc/repomirror/s3-credentials"));
    assertThat(
            ConfigLoader.parse(sync + "    location: s3://b\n", "c.yaml")
                .sync()
                .store()
                .pathStyle())
        .as("AWS itself: virtual hosts")
        .isFalse();
    assertThatThrownBy(() -> ConfigLoader.parse(sync + "    location: /srv/bucket\n", "c.yaml"))
        .hasMessage(
            "c.yaml:4: sync.store.location: must be s3://BUCKET[/PREFIX], got '/srv/bucket'");
    assertThatThrownBy(() -> ConfigLoader.parse(sync + "    endpoint: http://h:1\n", "c.yaml"))
        .hasMessageContaining("sync.store.location: needs s3://BUCKET[/PREFIX]");
  }

  @Test
  void malformedDurationNamesKeyAndLine() {
    String yaml = "server:\n  idle-timeout: soon\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessageStartingWith("c.yaml:2: server.idle-timeout: expected a duration");
  }

  @Test
  void malformedAddressNamesKeyAndLine() {
    String yaml = "server:\n  root: /x\n  listen: localhost\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessage("c.yaml:3: server.listen: expected HOST:PORT, got 'localhost'");
  }

  @Test
  void readsThePinningKeys() throws Exception {
    String yaml =
        """
        server:
          pinning:
            window: 30s
            table-size: 500
            max-age: 10m
            trusted-proxies: [127.0.0.1, "10.1.0.0/16", "2001:db8::/32"]
        """;
    PinningConfig p = ConfigLoader.parse(yaml, "t.yaml").server().pinning();
    assertThat(p.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.tableSize()).isEqualTo(500);
    assertThat(p.maxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.trustedProxies())
        .extracting(Subnet::toString)
        .containsExactly("127.0.0.1/32", "10.1.0.0/16", "2001:db8:0:0:0:0:0:0/32");
    assertThat(ConfigLoader.parse("", "e.yaml").server().pinning().trustedProxies()).isEmpty();
  }

  @Test
  void aProxyGivenByNameIsRefusedAtItsLine() {
    String yaml = "server:\n  pinning:\n    trusted-proxies:\n      - cache.example.org\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessageStartingWith("c.yaml:4: server.pinning.trusted-proxies[0]: ")
        .hasMessageContaining("expected an IP address or ADDRESS/PREFIX, got 'cache.example.org'");
  }

  @Test
  void subnetsContainTheirAddressesOnly() throws Exception {
    Subnet ten = Subnet.parse("10.1.2.3/16");
    assertThat(ten.toString()).isEqualTo("10.1.0.0/16");
    assertThat(ten.contains(java.net.InetAddress.getByName("10.1.255.7"))).isTrue();
    assertThat(ten.contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(ten.contains(java.net.InetAddress.getByName("::ffff:a01:1"))).isTrue(); // mapped
    assertThat(Subnet.parse("::1").contains(java.net.InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(Subnet.parse("0.0.0.0/0").contains(java.net.InetAddress.getByName("8.8.8.8")))
        .isTrue();
    assertThatThrownBy(() -> Subnet.parse("10.0.0.0/33"))
        .hasMessageContaining("prefix must be 0..32");
    assertThatThrownBy(() -> Subnet.parse("10.0.0.0/x")).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void wrongTypeNamesKeyAndLine() {
    String yaml = "server:\n  max-connections: many\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessageStartingWith("c.yaml:2: server.max-connections: cannot read 'many' as integer");
  }

  @Test
  void missingTlsKeyIsNamed() {
    String yaml = "server:\n  tls:\n    certificate: /c.pem\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "c.yaml"))
        .hasMessageContaining("server.tls.private-key: is required");
  }

  @Test
  void brokenYamlGivesLine() {
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  listen: [unclosed\n", "c.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("c.yaml:");
  }

  @Test
  void documentedExampleLoads() throws Exception {
    Path example = Path.of("..", "docs", "repomirror.example.yaml");
    RepomirrorConfig config = ConfigLoader.load(example);
    assertThat(config.server().root()).isNotNull();
    assertThat(Files.exists(example)).isTrue();
  }

  @Test
  void hostPortForms() {
    assertThat(HostPort.parse(":8080")).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(HostPort.parse("[::]:80").toString()).isEqualTo("[::]:80");
    assertThatThrownBy(() -> HostPort.parse("::1:80")).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> HostPort.parse("h:70000")).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void byteSizesTakeTheOneDocumentedForm() {
    assertThat(ByteSize.parse("0").bytes()).isZero();
    assertThat(ByteSize.parse("512").bytes()).isEqualTo(512);
    assertThat(ByteSize.parse("64KiB").bytes()).isEqualTo(65536);
    assertThat(ByteSize.parse("2GiB").bytes()).isEqualTo(2L << 30);
    assertThat(ByteSize.parse("1TiB").bytes()).isEqualTo(1L << 40);
    assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> ByteSize.parse("999999999999999TiB"))
        .isInstanceOf(InvalidValueException.class);
    // What a newcomer wrote, accepted before without a word.
    assertThatThrownBy(() -> ByteSize.parse("64MB"))
        .hasMessage(
            "expected a size like 512, 64KiB, 64MiB or 2GiB (powers of 1024), got '64MB'; did"
                + " you mean 64MiB?");
    assertThatThrownBy(() -> ByteSize.parse("64 MiB"))
        .hasMessage(
            "expected a size like 512, 64KiB, 64MiB or 2GiB (powers of 1024), got '64 MiB'; did"
                + " you mean 64MiB?");
    assertThatThrownBy(() -> ByteSize.parse("64mib")).hasMessageEndingWith("did you mean 64MiB?");
  }

  @Test
  void durationsTakeTheOneDocumentedForm() {
    for (String s : new String[] {"250ms", "10s", "5m", "2h", "7d", "0s"}) {
      assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    }
    assertThatThrownBy(() -> Durations.parse("60 s"))
        .hasMessage(
            "expected a duration like 250ms, 10s, 5m, 2h or 7d, got '60 s'; did you mean 60s?");
    assertThatThrownBy(() -> Durations.parse("10S")).hasMessageEndingWith("did you mean 10s?");
    assertThatThrownBy(() -> Durations.parse("1 hour"))
        .hasMessage("expected a duration like 250ms, 10s, 5m, 2h or 7d, got '1 hour'");
  }

  @Test
  void aSizeInAnotherFormIsNamedAtItsKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  small-file-cache: 64MB\n", "c.yaml"))
        .hasMessage(
            "c.yaml:2: server.small-file-cache: expected a size like 512, 64KiB, 64MiB or 2GiB"
                + " (powers of 1024), got '64MB'; did you mean 64MiB?");
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  idle-timeout: 60 s\n", "c.yaml"))
        .hasMessage(
            "c.yaml:2: server.idle-timeout: expected a duration like 250ms, 10s, 5m, 2h or 7d,"
                + " got '60 s'; did you mean 60s?");
  }
}
