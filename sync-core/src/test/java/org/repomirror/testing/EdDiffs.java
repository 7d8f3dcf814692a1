package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Patches made by the real {@code diff --ed}, as dak makes the ones apt's pdiffs apply. */
public final class EdDiffs {
  private EdDiffs() {}

  /** The ed script that turns {@code from} into {@code to}. */
  public static byte[] script(byte[] from, byte[] to) throws IOException {
    Path a = Files.createTempFile("edDiff", ".from");
    Path b = Files.createTempFile("edDiff", ".to");
    Path out = Files.createTempFile("edDiff", ".ed");
    try {
      Files.write(a, from);
      Files.write(b, to);
      Process p =
          new ProcessBuilder("diff", "--ed", a.toString(), b.toString())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("diff --ed did not finish in 60 s");
      }
      if (p.exitValue() > 1) throw new IOException("diff --ed failed: exit " + p.exitValue());
      return Files.readAllBytes(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(a);
      Files.deleteIfExists(b);
      Files.deleteIfExists(out);
    }
  }
}
