package org.repomirror.index;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;

/**
 * The on-disk form of a {@link FileRecord}: a version byte, size, mtime, a state code, the run,
 * since, the hashes (an algorithm code, a length, raw bytes each), and (from version 2) the link
 * target. Every code is an explicit byte, never an enum ordinal, so that reordering or adding
 * constants cannot change what old records mean.
 */
final class RecordCodec {
  /** Version 2 appends the link target; version 1 records (regular files only) still decode. */
  private static final int VERSION = 2;

  private RecordCodec() {}

  static byte[] encode(FileRecord r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(r.size());
      out.writeLong(r.mtimeMillis());
      out.writeByte(r.state().code());
      out.writeLong(r.run());
      out.writeLong(r.since());
      out.writeByte(r.hashes().values().size());
      for (Map.Entry<HashAlgorithm, String> h : r.hashes().values().entrySet()) {
        byte[] raw = HexFormat.of().parseHex(h.getValue());
        out.writeByte(hashCode(h.getKey()));
        out.writeByte(raw.length);
        out.write(raw);
      }
      out.writeBoolean(r.linkTarget() != null);
      if (r.linkTarget() != null) out.writeUTF(r.linkTarget());
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IndexException naming the path when the bytes are not a record
   */
  static FileRecord decode(String path, byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readUnsignedByte();
      if (version != 1 && version != VERSION) {
        throw new IndexException("record of " + path + " has unknown version " + version, null);
      }
      long size = in.readLong();
      long mtime = in.readLong();
      FileState state = FileState.ofCode(in.readUnsignedByte());
      long run = in.readLong();
      long since = in.readLong();
      int n = in.readUnsignedByte();
      EnumMap<HashAlgorithm, String> hashes = new EnumMap<>(HashAlgorithm.class);
      for (int i = 0; i < n; i++) {
        HashAlgorithm a = hashOfCode(in.readUnsignedByte());
        byte[] raw = in.readNBytes(in.readUnsignedByte());
        hashes.put(a, HexFormat.of().formatHex(raw));
      }
      String linkTarget = version >= 2 && in.readBoolean() ? in.readUTF() : null;
      return new FileRecord(path, size, mtime, new Hashes(hashes), state, run, since, linkTarget);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IndexException ie) throw ie;
      throw new IndexException("corrupt record for " + path + ": " + e, e);
    }
  }

  /** The byte that stands for a hash algorithm on disk. */
  static int hashCode(HashAlgorithm a) {
    return switch (a) {
      case MD5 -> 0;
      case SHA1 -> 1;
      case SHA256 -> 2;
      case SHA512 -> 3;
    };
  }

  static HashAlgorithm hashOfCode(int code) {
    return switch (code) {
      case 0 -> HashAlgorithm.MD5;
      case 1 -> HashAlgorithm.SHA1;
      case 2 -> HashAlgorithm.SHA256;
      case 3 -> HashAlgorithm.SHA512;
      default -> throw new IllegalArgumentException("no hash algorithm has code " + code);
    };
  }
}
