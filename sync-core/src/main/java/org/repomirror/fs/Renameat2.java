package org.repomirror.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Linux's {@code renameat2(2)} with {@code RENAME_EXCHANGE}, through JNA: the one call that swaps
 * two folders atomically. Loaded on first use; where it is missing (not Linux, glibc before 2.28)
 * or the filesystem refuses it (NFS, older kernels), callers get {@link
 * FileStore.ExchangeUnsupportedException} and fall back.
 */
final class Renameat2 {
  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 1 << 1;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;

  /** The libc entry point. */
  interface LibC extends Library {
    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags)
        throws LastErrorException;
  }

  private static volatile LibC libc;

  private Renameat2() {}

  static void exchange(Path a, Path b) throws IOException {
    LibC c = libc();
    try {
      c.renameat2(AT_FDCWD, a.toString(), AT_FDCWD, b.toString(), RENAME_EXCHANGE);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EINVAL || e.getErrorCode() == ENOSYS) {
        throw new FileStore.ExchangeUnsupportedException(
            "cannot swap " + a + " and " + b + " atomically here (errno " + e.getErrorCode() + ")");
      }
      throw new IOException("cannot swap " + a + " and " + b + ": errno " + e.getErrorCode(), e);
    }
  }

  private static LibC libc() throws FileStore.ExchangeUnsupportedException {
    LibC c = libc;
    if (c != null) return c;
    try {
      c = Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new FileStore.ExchangeUnsupportedException(
          "no renameat2 in this system's C library: " + e);
    }
    libc = c;
    return c;
  }
}
