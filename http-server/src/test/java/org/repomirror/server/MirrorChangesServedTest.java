package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.fs.FileStore;
import org.repomirror.run.Ticker;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;

/**
 * Over a real socket: the server holds what it saw of a mirror's files instead of a {@code statx}
 * per request, and still serves a file the sync replaces new at once, small (from memory) or large
 * (by sendfile, from a descriptor held open), its length always its bytes'. A file changed in the
 * mirror behind the sync's back is served new within the hold's second.
 */
class MirrorChangesServedTest {
  @TempDir Path tmp;
  private Path root;
  private LocalTree sync;
  private RepoServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws IOException {
    root = tmp.resolve("mirror");
    sync = new LocalTree(root, tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
    place("dists/stable/Release", "Suite: stable\n".getBytes());
    place("pool/main/big.deb", bytes(200_000, 0));
    server = TestServers.start(root, new RecordingAccessLog());
    address = new InetSocketAddress("127.0.0.1", server.address().getPort());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void place(String path, byte[] content) throws IOException {
    Path staged = sync.staging().resolve(path.replace('/', '_'));
    Files.createDirectories(staged.getParent());
    Files.write(staged, content);
    sync.placeContent(List.of(new PublishedTree.Staged(staged, path)));
  }

  private static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void whatTheSyncReplacesIsServedNewByTheNextRequest() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      for (int i = 1; i <= 20; i++) {
        assertThat(c.get("/dists/stable/Release").status()).isEqualTo(200); // held now
        assertThat(c.get("/pool/main/big.deb").status()).isEqualTo(200);
        byte[] release = ("Suite: stable\nVersion: " + "9".repeat(i) + "\n").getBytes();
        // From round 11 the same size every time: the file, not its length, tells them apart.
        byte[] big = bytes(i <= 10 ? 200_000 + 997 * i : 200_000, i);
        place("dists/stable/Release", release);
        place("pool/main/big.deb", big);
        RawHttp.Response small = c.get("/dists/stable/Release");
        assertThat(small.body()).as("round %d", i).isEqualTo(release);
        assertThat(small.header("Content-Length")).isEqualTo(Integer.toString(release.length));
        RawHttp.Response large = c.get("/pool/main/big.deb");
        assertThat(large.body()).as("round %d", i).isEqualTo(big);
        assertThat(large.header("Content-Length")).isEqualTo(Integer.toString(big.length));
      }
    }
  }

  @Test
  void aFileChangedBehindTheSyncIsServedNewWithinTheHold() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.get("/dists/stable/Release").bodyText()).isEqualTo("Suite: stable\n");
      Path next = root.resolve("dists/stable/next");
      Files.writeString(next, "Suite: edited by hand\n");
      Files.move(
          next,
          root.resolve("dists/stable/Release"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      long start = System.nanoTime();
      String body = c.get("/dists/stable/Release").bodyText();
      for (int i = 0; i < 40 && !body.equals("Suite: edited by hand\n"); i++) {
        assertThat(body).as("the old file whole while held").isEqualTo("Suite: stable\n");
        Thread.sleep(50);
        body = c.get("/dists/stable/Release").bodyText();
      }
      assertThat(body).isEqualTo("Suite: edited by hand\n");
      assertThat(System.nanoTime() - start)
          .as("within the hold and a margin")
          .isLessThan(2_000_000_000L);
    }
  }

  @Test
  void aLargeFileChangedBehindTheSyncIsServedNewWithinTheHold() throws Exception {
    byte[] old = bytes(200_000, 0);
    byte[] edited = bytes(200_000, 99);
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.get("/pool/main/big.deb").body()).isEqualTo(old); // its descriptor held now
      Path next = root.resolve("pool/main/next");
      Files.write(next, edited);
      Files.move(
          next,
          root.resolve("pool/main/big.deb"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      long start = System.nanoTime();
      byte[] body = c.get("/pool/main/big.deb").body();
      for (int i = 0; i < 40 && !Arrays.equals(body, edited); i++) {
        assertThat(body).as("the old file whole while held").isEqualTo(old);
        Thread.sleep(50);
        body = c.get("/pool/main/big.deb").body();
      }
      assertThat(body).isEqualTo(edited);
      assertThat(System.nanoTime() - start)
          .as("within the hold and a margin")
          .isLessThan(2_000_000_000L);
    }
  }
}
