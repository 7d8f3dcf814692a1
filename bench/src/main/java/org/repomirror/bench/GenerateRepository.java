package org.repomirror.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.sample.SigningKey;
import org.repomirror.transfer.HashingOutputStream;

/**
 * Generates a signed apt repository for benchmarks: {@code --files} real .deb files whose sizes are
 * drawn, with a fixed seed, from a real archive's size list (Debian bookworm amd64: median about 57
 * KB, p90 about 1.4 MB, p99 about 21 MB). The .deb files are streamed to disk (an ar of
 * debian-binary, control.tar.gz and an uncompressed data.tar), so any size fits in little memory.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.repomirror.bench.GenerateRepository \
 *     --out DIR --files 10000 --seed 1 --sizes bench/data/debian-bookworm-amd64-sizes.txt.gz
 * </pre>
 *
 * Writes {@code DIR/repo} (dists/bench, pool/main) and {@code DIR/keyring.gpg}.
 */
public final class GenerateRepository {
  private static final long MTIME = 1_700_000_000L;
  private static final int CHUNK = 1 << 20;

  private GenerateRepository() {}

  public static void main(String[] args) throws Exception {
    Path out = null;
    int files = 10_000;
    long seed = 1;
    Path sizes = null;
    double scale = 1.0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--sizes" -> sizes = Path.of(args[++i]);
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (out == null || sizes == null) {
      throw new IllegalArgumentException("--out DIR and --sizes FILE are required");
    }
    long[] all = readSizes(sizes);
    Random random = new Random(seed);
    Path repo = out.resolve("repo");
    SigningKey key = SigningKey.generateRsa("repomirror bench archive <bench@example.org>");
    StringBuilder packages = new StringBuilder();
    long total = 0;
    for (int i = 0; i < files; i++) {
      long size = Math.max(1, Math.round(all[random.nextInt(all.length)] * scale));
      total += writePackage(repo, String.format(Locale.ROOT, "pkg%05d", i), size, random, packages);
    }
    writeSuite(repo, key, packages.toString().getBytes(StandardCharsets.UTF_8));
    key.writePublicKeyring(out.resolve("keyring.gpg"));
    System.out.printf(
        Locale.ROOT, "generated %d packages, %.1f MB, in %s%n", files, total / 1e6, repo);
  }

  /** Writes one package into the pool and its stanza into the Packages text; returns its size. */
  private static long writePackage(
      Path repo, String name, long size, Random random, StringBuilder packages) throws IOException {
    String filename =
        "pool/main/" + name.substring(0, 4) + "/" + name + "/" + name + "_1.0-1_amd64.deb";
    Path deb = repo.resolve(filename);
    Files.createDirectories(deb.getParent());
    Hashes hashes;
    long written;
    try (HashingOutputStream h =
        new HashingOutputStream(
            new BufferedOutputStream(Files.newOutputStream(deb), CHUNK),
            EnumSet.of(HashAlgorithm.MD5, HashAlgorithm.SHA1, HashAlgorithm.SHA256))) {
      writeDeb(h, name, size, random);
      h.flush();
      hashes = h.hashes();
      written = h.count();
    }
    Files.setLastModifiedTime(deb, java.nio.file.attribute.FileTime.fromMillis(MTIME * 1000));
    packages
        .append("Package: ")
        .append(name)
        .append("\nVersion: 1.0-1\nArchitecture: amd64\n")
        .append("Maintainer: Bench <bench@example.org>\nFilename: ")
        .append(filename)
        .append("\nSize: ")
        .append(written)
        .append("\nMD5sum: ")
        .append(hashes.get(HashAlgorithm.MD5).orElseThrow())
        .append("\nSHA1: ")
        .append(hashes.get(HashAlgorithm.SHA1).orElseThrow())
        .append("\nSHA256: ")
        .append(hashes.get(HashAlgorithm.SHA256).orElseThrow())
        .append("\nDescription: benchmark package\n\n");
    return written;
  }

  private static long[] readSizes(Path file) throws IOException {
    List<Long> sizes = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank()) sizes.add(Long.parseLong(line.strip()));
      }
    }
    return sizes.stream().mapToLong(Long::longValue).toArray();
  }

  /** An ar archive of debian-binary, control.tar.gz and data.tar holding {@code size} bytes. */
  private static void writeDeb(OutputStream out, String name, long size, Random random)
      throws IOException {
    out.write("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
    arMember(out, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
    String control =
        "Package: "
            + name
            + "\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: Bench <bench@example.org>\n"
            + "Description: benchmark package\n";
    ByteArrayOutputStream controlTar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(controlTar))) {
      byte[] c = control.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("./control");
      e.setSize(c.length);
      e.setModTime(MTIME * 1000);
      tar.putArchiveEntry(e);
      tar.write(c);
      tar.closeArchiveEntry();
    }
    arMember(out, "control.tar.gz", controlTar.toByteArray());
    // data.tar: one header block, the payload padded to 512, two zero blocks.
    long padded = (size + 511) / 512 * 512;
    long tarSize = 512 + padded + 1024;
    arHeader(out, "data.tar", tarSize);
    TarArchiveEntry entry = new TarArchiveEntry("./usr/share/" + name + "/payload");
    entry.setSize(size);
    entry.setModTime(MTIME * 1000);
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    out.write(header);
    byte[] chunk = new byte[CHUNK];
    for (long left = size; left > 0; ) {
      int n = (int) Math.min(chunk.length, left);
      random.nextBytes(chunk);
      out.write(chunk, 0, n);
      left -= n;
    }
    out.write(new byte[(int) (padded - size) + 1024]);
    if (tarSize % 2 == 1) out.write('\n');
  }

  private static void arMember(OutputStream out, String name, byte[] data) throws IOException {
    arHeader(out, name, data.length);
    out.write(data);
    if (data.length % 2 == 1) out.write('\n');
  }

  private static void arHeader(OutputStream out, String name, long size) throws IOException {
    String h =
        String.format(
            Locale.ROOT, "%-16s%-12d%-6d%-6d%-8o%-10d`\n", name, MTIME, 0, 0, 0100644, size);
    out.write(h.getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeSuite(Path repo, SigningKey key, byte[] packages) throws IOException {
    Path dist = repo.resolve("dists/bench");
    Path dir = Files.createDirectories(dist.resolve("main/binary-amd64"));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream z = new GzipCompressorOutputStream(gz)) {
      z.write(packages);
    }
    Files.write(dir.resolve("Packages"), packages);
    Files.write(dir.resolve("Packages.gz"), gz.toByteArray());
    StringBuilder r = new StringBuilder();
    r.append("Origin: bench\nLabel: bench\nSuite: bench\nCodename: bench\n")
        .append("Date: ")
        .append(
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC)))
        .append("\nArchitectures: amd64\nComponents: main\nDescription: repomirror benchmark\n");
    for (HashAlgorithm a : List.of(HashAlgorithm.MD5, HashAlgorithm.SHA1, HashAlgorithm.SHA256)) {
      r.append(a.releaseField()).append(":\n");
      for (String f : List.of("Packages", "Packages.gz")) {
        byte[] b = f.equals("Packages") ? packages : gz.toByteArray();
        r.append(' ')
            .append(java.util.HexFormat.of().formatHex(a.newDigest().digest(b)))
            .append(String.format(Locale.ROOT, " %16d ", b.length))
            .append("main/binary-amd64/")
            .append(f)
            .append('\n');
      }
    }
    String release = r.toString();
    Files.writeString(dist.resolve("Release"), release);
    Files.write(
        dist.resolve("Release.gpg"), key.detachSign(release.getBytes(StandardCharsets.UTF_8)));
    Files.write(dist.resolve("InRelease"), key.clearSign(release));
  }
}
