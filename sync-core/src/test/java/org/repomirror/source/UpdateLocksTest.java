package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.testing.Nginx;

/**
 * ftpsync's update lock on a real nginx: the one named after the upstream's host, and one of
 * another name that only the folder's index page shows.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UpdateLocksTest {
  @TempDir Path tmp;

  @Test
  void aLockIsFoundByItsHostsNameOrInTheFoldersPage() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("www"));
    Files.createDirectories(root.resolve("debian/dists/stable"));
    Files.writeString(root.resolve("debian/README"), "x");
    try (Nginx nginx = Nginx.serve(root, tmp.resolve("nginx"));
        HttpUpstream upstream = new HttpUpstream(nginx.uri(), Duration.ofSeconds(10), 2)) {
      assertThat(UpdateLocks.find(upstream, "")).isEmpty();
      assertThat(nginx.accessLog())
          .as("both asked for")
          .anyMatch(l -> l.startsWith("/Archive-Update-in-Progress-127.0.0.1 "))
          .anyMatch(l -> l.startsWith("/ "));

      Files.writeString(root.resolve("debian/Archive-Update-in-Progress-syncproxy2"), "");
      assertThat(UpdateLocks.find(upstream, "debian/"))
          .as("another host's lock, in the folder's page")
          .isEqualTo(Optional.of("debian/Archive-Update-in-Progress-syncproxy2"));
      assertThat(UpdateLocks.find(upstream, "")).as("not at the root").isEmpty();

      Files.writeString(root.resolve("Archive-Update-in-Progress-127.0.0.1"), "");
      assertThat(UpdateLocks.find(upstream, ""))
          .isEqualTo(Optional.of("Archive-Update-in-Progress-127.0.0.1"));
    }
  }
}
