package org.repomirror.source.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RsyncCommandTest {
  private static final Path LIST = Path.of("/work/batch-1.list");
  private static final Path DEST = Path.of("/work/files");

  @Test
  void aDaemonRunCopiesTheListIntoTheDestinationWithTheBasisAndTheLimit() {
    RsyncCommand c =
        new RsyncCommand(
            URI.create("rsync://old-host:8873/maemo/extras"),
            "ssh",
            Duration.ofSeconds(60),
            1 << 20);
    List<String> argv = c.copy(LIST, DEST, Path.of("/srv/mirror"));
    assertThat(argv.getFirst()).isEqualTo("rsync");
    assertThat(argv)
        .contains(
            "--timeout=60",
            "--contimeout=60",
            "--no-motd",
            "--bwlimit=1024",
            "--times",
            "--partial-dir=" + RsyncBatches.PARTIAL_DIR,
            "--copy-dest=/srv/mirror",
            "--from0",
            "--files-from=/work/batch-1.list")
        .doesNotContain("--rsh");
    assertThat(argv.subList(argv.size() - 3, argv.size()))
        .as("the names come from the list; nothing after -- is taken for an option")
        .containsExactly("--", "rsync://old-host:8873/maemo/extras/", "/work/files/");
    assertThat(c.url("pool/a b+c.deb"))
        .isEqualTo("rsync://old-host:8873/maemo/extras/pool/a b+c.deb");
  }

  @Test
  void anSshRunUsesTheGivenShellInBatchModeWithThePort() {
    RsyncCommand c =
        new RsyncCommand(
            URI.create("ssh://mirror@old-host:2222/srv/maemo"),
            "ssh -i /etc/repomirror/id_ed25519",
            Duration.ofSeconds(30),
            0);
    List<String> argv = c.copy(LIST, DEST, null);
    assertThat(argv)
        .contains(
            "--rsh=ssh -i /etc/repomirror/id_ed25519 -o BatchMode=yes -o ConnectTimeout=30 -p 2222")
        .noneMatch(a -> a.startsWith("--copy-dest") || a.startsWith("--bwlimit"))
        .doesNotContain("--contimeout=30", "--no-motd");
    assertThat(argv.getLast()).isEqualTo("/work/files/");
    assertThat(argv.get(argv.size() - 2)).isEqualTo("mirror@old-host:/srv/maemo/");
  }

  @Test
  void aListingOfTheTreeRecursesInOnePieceAndKeepsLinks() {
    RsyncCommand c = new RsyncCommand(URI.create("rsync://h/m/"), "ssh", Duration.ofSeconds(5), 0);
    assertThat(c.list(null, Path.of("/work/empty")))
        .contains(
            "--list-only", "--no-human-readable", "--recursive", "--no-inc-recursive", "--links")
        .doesNotContain("--from0");
  }

  @Test
  void aHostThatLooksLikeAnOptionIsRefused() {
    assertThatThrownBy(
            () -> new RsyncCommand(URI.create("ssh://-oProxyCommand=x/p"), "ssh", Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
