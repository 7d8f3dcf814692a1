package org.repomirror.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A sync into a root on a small tmpfs: when the disk fills it aborts with exit 4, the published
 * tree as it was and staging empty; with room, the next sync succeeds. Needs root (to mount); on CI
 * that is a failure, not a skip.
 */
class DiskFullTest {
  @TempDir Path tmp;
  private Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) sh("umount", mount.toString());
  }

  private static int sh(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
  }

  private static String hex(Path p) throws IOException {
    return SampleRepository.hex("SHA-256", Files.readAllBytes(p));
  }

  /** Every file and link clients can see (not the mirror's own folder), with its SHA-256. */
  private static Map<String, String> servedTree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (rel.isEmpty() || rel.startsWith(".repomirror") || Files.isDirectory(p)) continue;
        files.put(rel, Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p) : hex(p));
      }
    }
    return files;
  }

  @Test
  void aFullDiskAbortsCleanlyAndALaterSyncWithRoomSucceeds() throws Exception {
    mount = Files.createDirectories(tmp.resolve("small"));
    if (sh("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString()) != 0) {
      mount = null;
      if ("true".equals(System.getenv("CI"))) fail("cannot mount a tmpfs: the test needs root");
      Assumptions.abort("cannot mount a tmpfs (not root); the disk-full test needs root");
    }
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path upstreamRoot = tmp.resolve("upstream");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path mirror = mount.resolve("mirror");
    SampleRepository.modern(upstreamRoot, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .seed(1)
        .add("small", "1.0", "amd64", "main", 100_000)
        .write();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      List<String> sync =
          List.of(
              "sync",
              "--root",
              mirror.toString(),
              "--upstream",
              upstream.uri().toString(),
              "--dist",
              "dists/stable",
              "--keyring",
              keyring.toString());
      assertThat(Cli.run(sync).code()).isZero();
      Map<String, String> before = servedTree(mirror);

      Thread.sleep(1100);
      SampleRepository r =
          SampleRepository.modern(upstreamRoot, "stable")
              .components("main")
              .architectures("amd64")
              .signedBy(key)
              .seed(1)
              .add("small", "1.0", "amd64", "main", 100_000);
      for (int i = 0; i < 8; i++) r.add("big" + i, "1.0", "amd64", "main", 1_000_000);
      r.write();
      Cli.Run full = Cli.run(sync);
      assertThat(full.code()).as(full.all()).isEqualTo(4);
      assertThat(full.all()).contains("aborted, the published tree is intact");
      // Byte for byte as it was; the only files it may have gained are new pool files, verified
      // and whole (nothing references them yet), each the upstream's bytes.
      Map<String, String> after = servedTree(mirror);
      for (Map.Entry<String, String> e : before.entrySet()) {
        assertThat(after.get(e.getKey()))
            .as("%s after the abort", e.getKey())
            .isEqualTo(e.getValue());
      }
      int added = 0;
      for (String path : after.keySet()) {
        if (before.containsKey(path)) continue;
        added++;
        assertThat(path).as("a file the abort left").startsWith("pool/");
        assertThat(after.get(path))
            .as("%s, left by the abort", path)
            .isEqualTo(hex(upstreamRoot.resolve(path)));
      }
      try (Stream<Path> staged = Files.walk(mirror.resolve(".repomirror/staging"))) {
        assertThat(staged.filter(Files::isRegularFile).toList())
            .as("staging after " + full.all())
            .isEmpty();
      }

      assertThat(sh("mount", "-o", "remount,size=64m", mount.toString())).isZero();
      Cli.Run roomy = Cli.run(sync);
      assertThat(roomy.code()).as(roomy.all()).isZero();
      assertThat(mirror.resolve("pool/main/b/big7/big7_1.0_amd64.deb")).exists();
      Reliability.record(
          "disk-full",
          String.format(
              "a sync into a 6 MiB tmpfs that needed 8 MB more: exit 4, all %d served files"
                  + " byte for byte as before (%d new pool files published whole), staging empty;"
                  + " after growing it to 64 MiB the next sync published",
              before.size(), added));
    }
  }
}
