package org.repomirror.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds real {@code .deb} files: an ar archive of {@code debian-binary}, {@code control.tar.gz}
 * and {@code data.tar.gz}, as {@code dpkg-deb} reads them.
 */
final class DebBuilder {
  private static final long MTIME = 1_700_000_000L;

  private DebBuilder() {}

  /**
   * @param control the control file's text (a deb822 stanza ending with a newline)
   * @param files data files by path, e.g. {@code ./usr/share/doc/foo/README}
   */
  public static byte[] build(String control, Map<String, byte[]> files) {
    try {
      ByteArrayOutputStream deb = new ByteArrayOutputStream();
      try (ArArchiveOutputStream ar = new ArArchiveOutputStream(deb)) {
        addMember(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> controlFiles = new LinkedHashMap<>();
        controlFiles.put("./control", control.getBytes(StandardCharsets.UTF_8));
        addMember(ar, "control.tar.gz", tarGz(controlFiles));
        addMember(ar, "data.tar.gz", tarGz(files));
      }
      return deb.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot build a .deb", e);
    }
  }

  private static void addMember(ArArchiveOutputStream ar, String name, byte[] data)
      throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, data.length, 0, 0, 0100644, MTIME));
    ar.write(data);
    ar.closeArchiveEntry();
  }

  private static byte[] tarGz(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setSize(f.getValue().length);
        entry.setMode(0100644);
        entry.setModTime(MTIME * 1000);
        entry.setUserName("root");
        entry.setGroupName("root");
        tar.putArchiveEntry(entry);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
