package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A plan against Debian bookworm's real, signed InRelease and its real main/amd64 Packages, as apt
 * on this machine fetched them ({@code /var/lib/apt/lists}, which {@code .ci/run} fills): the plan
 * counts the pool the Packages lists and no more, and says plainly that it has no estimate when its
 * probe can move nothing (the upstream here carries no pool).
 */
class RealDebianMetadataTest {
  private static final Path LISTS = Path.of("/var/lib/apt/lists");
  private static final Path DEBIAN_KEYRING =
      Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

  @TempDir Path tmp;

  @Test
  void aPlanCountsThePoolOfTheRealPackagesAndNothingElse() throws Exception {
    Path inRelease = list("dists_bookworm_InRelease");
    Path packages = list("dists_bookworm_main_binary-amd64_Packages");
    Path upstream = tmp.resolve("debian");
    Path dist = Files.createDirectories(upstream.resolve("dists/bookworm/main/binary-amd64"));
    Files.copy(inRelease, upstream.resolve("dists/bookworm/InRelease"));
    try (InputStream in = uncompressed(packages)) {
      Files.copy(in, dist.resolve("Packages"));
    }
    long stanzas = 0;
    long bytes = 0;
    try (BufferedReader r =
        Files.newBufferedReader(dist.resolve("Packages"), StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("Filename: ")) stanzas++;
        if (line.startsWith("Size: ")) bytes += Long.parseLong(line.substring(6).strip());
      }
    }
    try (ScriptedUpstream up = new ScriptedUpstream(upstream)) {
      Cli.Run plan =
          Cli.run(
              "plan",
              "--upstream",
              up.uri().toString(),
              "--root",
              tmp.resolve("mirror").toString(),
              "--dist",
              "dists/bookworm",
              "--component",
              "main",
              "--arch",
              "amd64",
              "--keyring",
              DEBIAN_KEYRING.toString(),
              "--json");
      assertThat(plan.code()).as(plan.all()).isZero();
      JsonNode p = new ObjectMapper().readTree(plan.out());
      assertThat(p.path("poolFiles").asLong()).isEqualTo(stanzas);
      assertThat(p.path("poolBytes").asLong()).isEqualTo(bytes);
      assertThat(p.path("indexBytes").asLong())
          .as("main's amd64 and all indexes only, no other architecture's Contents")
          .isLessThan(bytes / 100);
      assertThat(p.path("mayBeAbsentFiles").asLong())
          .as("the uncompressed variants Debian lists and does not publish")
          .isPositive();
      assertThat(p.path("estimatedSeconds").isNull()).as(plan.out()).isTrue();
      assertThat(p.path("estimateBasis").asText()).contains("moved no bytes");
    }
  }

  /** The list apt keeps of a file, in whatever compression apt chose; skipped if apt has none. */
  private static Path list(String suffix) throws IOException {
    Optional<Path> found = Optional.empty();
    if (Files.isDirectory(LISTS)) {
      try (Stream<Path> files = Files.list(LISTS)) {
        found =
            files
                .filter(
                    p ->
                        p.getFileName()
                            .toString()
                            .matches(".*_debian_" + suffix + "(\\.lz4|\\.gz|\\.xz)?"))
                .findFirst();
      }
    }
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("no " + suffix + " in " + LISTS + ": .ci/run runs apt-get update");
      }
      Assumptions.abort("no " + suffix + " in " + LISTS + " (run apt-get update)");
    }
    return found.get();
  }

  private static InputStream uncompressed(Path file) throws IOException {
    InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file));
    if (!file.toString().matches(".*\\.(lz4|gz|xz)")) return raw;
    try {
      return new CompressorStreamFactory().createCompressorInputStream(raw);
    } catch (CompressorException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
