package org.repomirror.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux's {@code syncfs(2)}, through JNA: every write to one filesystem made durable in one call,
 * which a journaling filesystem commits as one transaction rather than one per fsync'd file. Loaded
 * on first use. Where it is missing (not Linux), or the kernel is older than 5.8 (whose syncfs does
 * not report a write-back error, so that a file could be lost while the call said it was durable),
 * {@link #sync} says so and callers fsync file by file.
 */
final class Syncfs {
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;

  /** The libc entry points. */
  interface LibC extends Library {
    int open(String path, int flags) throws LastErrorException;

    int syncfs(int fd) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  /** The library once loaded; null until then, and null for good where it cannot be. */
  private static volatile LibC libc;

  private static volatile boolean missing;

  private Syncfs() {}

  /**
   * Makes every write to the filesystem that holds a folder durable.
   *
   * @return false where this system has no syncfs; nothing was done
   * @throws IOException the flush failed (a write-back error): nothing written since the last flush
   *     can be taken as durable
   */
  static boolean sync(Path folder) throws IOException {
    LibC c = libc();
    if (c == null) return false;
    int fd;
    try {
      fd = c.open(folder.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("cannot open " + folder + " to flush it: errno " + e.getErrorCode(), e);
    }
    try {
      c.syncfs(fd);
    } catch (LastErrorException e) {
      throw new IOException(
          "flushing the filesystem of " + folder + " failed: errno " + e.getErrorCode(), e);
    } finally {
      try {
        c.close(fd);
      } catch (LastErrorException e) {
        // The flush's outcome is known already; a failed close of a read-only folder loses nothing.
      }
    }
    return true;
  }

  private static LibC libc() {
    LibC c = libc;
    if (c != null || missing) return c;
    if (!reportsWriteBackErrors(System.getProperty("os.name"), System.getProperty("os.version"))) {
      missing = true;
      return null;
    }
    try {
      c = Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      missing = true;
      return null;
    }
    libc = c;
    return c;
  }

  /** Whether a kernel's syncfs reports write-back errors: Linux 5.8 and later. */
  static boolean reportsWriteBackErrors(String osName, String osVersion) {
    if (!"Linux".equals(osName) || osVersion == null) return false;
    Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(osVersion);
    if (!m.find()) return false;
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 5 || (major == 5 && minor >= 8);
  }
}
