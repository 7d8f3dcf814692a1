package org.repomirror.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.run.Ticker;

class DiskRateTest {
  @TempDir Path tmp;

  @Test
  void aDiskThatTakesDirectWritesGivesARateAndKeepsNoScratch() throws Exception {
    OptionalDouble rate = DiskRate.sustainedWrite(tmp.resolve("staging"), 8 << 20, Ticker.SYSTEM);
    assertThat(rate).isPresent();
    assertThat(rate.getAsDouble()).as("bytes per second").isBetween(1e6, 1e12);
    try (Stream<Path> left = Files.list(tmp.resolve("staging"))) {
      assertThat(left).isEmpty();
    }
  }
}
