package org.repomirror.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.source.LocalUpstream;

class TransferTest {
  private static final int FILES = 200;

  @TempDir Path tmp;

  @Test
  void aFailureOfTheCallerEndsTheTransferWithoutFetchingTheRest() throws Exception {
    Path upstream = Files.createDirectories(tmp.resolve("upstream"));
    List<FetchTask> tasks = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      byte[] body = ("file " + i + "\n").repeat(1000).getBytes();
      Files.write(upstream.resolve("f" + i), body);
      String sha = SampleRepository.hex("SHA-256", body);
      tasks.add(
          new FetchTask(
              "f" + i,
              "f" + i,
              new ExpectedFile("f" + i, body.length, Hashes.of(HashAlgorithm.SHA256, sha))));
    }
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    Transfer transfer =
        new Transfer(
            new LocalUpstream(upstream),
            staging,
            tmp.resolve("quarantine"),
            new Transfer.Settings(
                2, 1, Duration.ZERO, Duration.ZERO, Throttle.NONE, Transfer.MismatchPolicy.STRICT),
            Clock.systemUTC(),
            Ticker.SYSTEM);
    AtomicInteger offered = new AtomicInteger();
    assertThatThrownBy(
            () ->
                transfer.fetchAll(
                    tasks,
                    o -> {
                      // The first file is slow to finish, as a big one is: the run must not wait
                      // for it to notice the failure of another.
                      if (o.task().localPath().equals("f0")) sleep(1500);
                      if (offered.incrementAndGet() == 3) {
                        throw new UncheckedIOException(new IOException("the disk is full"));
                      }
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("the disk is full");
    try (Stream<Path> staged = Files.list(staging)) {
      long n = staged.count();
      assertThat(n).as("files fetched after the failure").isLessThan(FILES / 2);
    }
    assertThat(offered.get()).as("outcomes handed over").isLessThan(FILES / 2);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
