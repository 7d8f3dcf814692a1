package org.repomirror.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code mirrors:} list: each mirror's own settings over the sync section's, and its root. */
class MirrorsConfigTest {
  private static final String TWO_MIRRORS =
      """
      server:
        root: /srv/mirror
      sync:
        keyring: /etc/repomirror/debian.gpg
        connections: 4
        root: /srv/ignored
        report: /var/log/shared.json
      mirrors:
        - name: debian
          upstream: http://deb.example.org/debian/
          dists: [dists/bookworm]
        - name: maemo
          upstream: http://repository.example.org/
          dists:
            - extras-devel/dists/fremantle
          keyring: /etc/repomirror/maemo.gpg
          policy: mirror-as-is
          mode: tree
          root: /data/maemo
      """;

  @Test
  void aMirrorTakesTheSyncSectionForWhatItDoesNotSet() throws Exception {
    RepomirrorConfig config = ConfigLoader.parse(TWO_MIRRORS, "m.yaml");
    assertThat(config.mirrors()).extracting(MirrorConfig::name).containsExactly("debian", "maemo");
    SyncConfig debian = config.mirror("debian").orElseThrow().sync();
    assertThat(debian.upstream()).isEqualTo(URI.create("http://deb.example.org/debian/"));
    assertThat(debian.dists()).containsExactly("dists/bookworm");
    assertThat(debian.keyring()).isEqualTo(Path.of("/etc/repomirror/debian.gpg"));
    assertThat(debian.connections()).isEqualTo(4);
    assertThat(debian.policy()).isEqualTo("strict");
    assertThat(debian.mode()).isEqualTo("apt");
    SyncConfig maemo = config.mirror("maemo").orElseThrow().sync();
    assertThat(maemo.keyring()).isEqualTo(Path.of("/etc/repomirror/maemo.gpg"));
    assertThat(maemo.connections()).isEqualTo(4);
    assertThat(maemo.policy()).isEqualTo("mirror-as-is");
    assertThat(maemo.mode()).isEqualTo("tree");
  }

  @Test
  void aMirrorsRootIsItsOwnOrItsNameUnderTheServedRoot() throws Exception {
    RepomirrorConfig config = ConfigLoader.parse(TWO_MIRRORS, "m.yaml");
    assertThat(config.mirror("debian").orElseThrow().sync().root())
        .as("not the sync section's root, which every mirror would share")
        .isEqualTo(Path.of("/srv/mirror/debian"));
    assertThat(config.mirror("maemo").orElseThrow().sync().root())
        .isEqualTo(Path.of("/data/maemo"));
    assertThat(config.mirror("debian").orElseThrow().sync().report())
        .as("a shared report file would hold the last mirror's report only")
        .isNull();
  }

  @Test
  void aMirrorsObjectStoreIsItsOwn() throws Exception {
    String yaml =
        """
        sync:
          store:
            location: s3://mirrors/shared
        mirrors:
          - name: debian
            root: /srv/state/debian
            upstream: http://deb.example.org/debian/
          - name: maemo
            root: /srv/state/maemo
            upstream: http://repository.maemo.org/
            store:
              location: s3://mirrors/maemo
        """;
    RepomirrorConfig config = ConfigLoader.parse(yaml, "m.yaml");
    assertThat(config.mirror("debian").orElseThrow().sync().store())
        .as("two mirrors publishing into one prefix would overwrite each other's dists")
        .isNull();
    assertThat(config.mirror("maemo").orElseThrow().sync().store().location())
        .isEqualTo(URI.create("s3://mirrors/maemo"));
  }

  @Test
  void withoutAListTheSyncSectionIsTheOneMirror() throws Exception {
    RepomirrorConfig config =
        ConfigLoader.parse(
            "server:\n  root: /srv/m\nsync:\n  upstream: http://u.example/\n", "one.yaml");
    assertThat(config.mirrors()).isEmpty();
    assertThat(config.mirror("debian")).isEmpty();
  }

  @Test
  void aBadValueInAMirrorNamesTheMirrorItsKeyAndItsLine() {
    String yaml =
        """
        server:
          root: /srv/mirror
        mirrors:
          - name: debian
            upstream: http://deb.example.org/
          - name: maemo
            upstream: http://repository.example.org/
            policy: lenient
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("m.yaml:8: mirrors[1].policy: must be strict or mirror-as-is, got 'lenient'");
  }

  @Test
  void anUnknownKeyInAMirrorIsNamedAtItsLine() {
    String yaml =
        "server:\n  root: /srv/m\nmirrors:\n  - name: a\n    upstream: http://u/\n    dist: x\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("m.yaml:6: mirrors[0].dist: unknown key (known keys: ")
        .hasMessageContaining("dists");
  }

  @Test
  void everyMirrorNeedsAName() {
    String yaml = "server:\n  root: /srv/m\nmirrors:\n  - upstream: http://u/\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("m.yaml:4: mirrors[0]: needs a name");
  }

  @Test
  void namesAreUniqueAndPathSafe() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "server:\n  root: /srv/m\nmirrors:\n  - name: a\n  - name: a\n", "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("m.yaml:5: mirrors[1].name: 'a' is the name of mirrors[0] too");
    assertThatThrownBy(
            () -> ConfigLoader.parse("server:\n  root: /srv/m\nmirrors:\n  - name: ../x\n", "m"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "m:4: mirrors[0].name: must be letters, digits, '.', '_' or '-', not starting with"
                + " '.', got '../x'");
  }

  @Test
  void twoMirrorsMayNotShareOrNestTheirRoots() {
    String shared =
        """
        mirrors:
          - name: a
            root: /srv/m
          - name: b
            root: /srv/m/
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(shared, "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "m.yaml:5: mirrors[1].root: /srv/m is mirror a's root too; each mirror needs its own"
                + " (one mirror may list several dists)");
    String nested =
        """
        mirrors:
          - name: a
            root: /srv/m
          - name: b
            root: /srv/m/b
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(nested, "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "m.yaml:5: mirrors[1].root: /srv/m/b is inside mirror a's root /srv/m, whose sync"
                + " would take it for its own files; give each mirror a folder of its own");
  }

  @Test
  void aMirrorWithoutARootNeedsTheServedRoot() {
    assertThatThrownBy(() -> ConfigLoader.parse("mirrors:\n  - name: a\n", "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "m.yaml:2: mirrors[0].root: required when server.root is not set (the default is"
                + " server.root/a)");
  }

  @Test
  void theListMustBeAList() {
    assertThatThrownBy(() -> ConfigLoader.parse("mirrors:\n  name: a\n", "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("m.yaml:1: mirrors: expected a list of mirrors (- name: ... items)");
  }

  @Test
  void theOperationsGuidesObjectStoreExamplesLoadAsTheySay() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
    Matcher block =
        Pattern.compile("```yaml\n((?:(?!```).)*?store:\n.*?)```", Pattern.DOTALL).matcher(guide);
    assertThat(block.find()).as("the sync's store in OPERATIONS.md").isTrue();
    StoreConfig sync = ConfigLoader.parse(block.group(1), "OPERATIONS.md").sync().store();
    assertThat(sync.location()).isEqualTo(URI.create("s3://maemo-mirror/repository"));
    assertThat(sync.pathStyle()).isTrue();
    assertThat(block.find()).as("the server's store in OPERATIONS.md").isTrue();
    ServerConfig server = ConfigLoader.parse(block.group(1), "OPERATIONS.md").server();
    assertThat(server.store().location()).isEqualTo(sync.location());
    assertThat(server.storeCache().bytes()).isEqualTo(8L << 30);
  }

  @Test
  void theOperationsGuidesExampleLoadsAsItSays() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
    Matcher block =
        Pattern.compile("```yaml\n(server:\n(?:(?!```).)*?mirrors:\n.*?)```", Pattern.DOTALL)
            .matcher(guide);
    assertThat(block.find()).as("a yaml block with a mirrors list in OPERATIONS.md").isTrue();
    RepomirrorConfig config = ConfigLoader.parse(block.group(1), "OPERATIONS.md");
    assertThat(config.mirrors()).extracting(MirrorConfig::name).containsExactly("debian", "maemo");
    assertThat(config.mirror("debian").orElseThrow().sync().root())
        .isEqualTo(Path.of("/srv/repomirror/debian"));
    assertThat(config.mirror("maemo").orElseThrow().sync().mode()).isEqualTo("tree");
    assertThat(config.mirror("maemo").orElseThrow().sync().connections()).isEqualTo(8);
  }
}
