package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.testing.ScriptedUpstream;

class HttpUpstreamTest {
  @TempDir Path tmp;

  /** A sink that fails as a full disk does, after some bytes. */
  private static OutputStream fullDisk() {
    return new OutputStream() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        written += len;
        if (written > 10_000)
          throw new LocalWriteException(new IOException("No space left on device"));
      }
    };
  }

  @Test
  void aFailureToWriteWhatArrivesIsTheLocalDisksNotATransientUpstreamFault() throws Exception {
    Files.write(tmp.resolve("big.deb"), new byte[1 << 20]);
    try (ScriptedUpstream up = new ScriptedUpstream(tmp);
        HttpUpstream source = new HttpUpstream(up.uri(), Duration.ofSeconds(5), 2)) {
      assertThatThrownBy(() -> source.download("big.deb", 0, null, fromStart -> fullDisk()))
          .as("retrying a full disk as if the network broke off only hides it")
          .isInstanceOf(LocalWriteException.class)
          .isNotInstanceOf(FetchException.class)
          .hasMessageContaining("No space left on device");
      assertThat(
              source
                  .download("big.deb", 0, null, fromStart -> OutputStream.nullOutputStream())
                  .bytes())
          .as("the upstream itself was fine")
          .isEqualTo(1 << 20);
    }
  }
}
