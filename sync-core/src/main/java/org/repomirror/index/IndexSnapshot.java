package org.repomirror.index;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The index as one gzip'd text, for a copy kept beside a tree the sync node does not hold (a
 * bucket): every file's record, every suite's references and the files it was published without,
 * and the deletions waiting out their grace. A sync node that lost its index loads the copy rather
 * than fetch and hash the tree again. Runs, validators and intents stay behind: they describe this
 * node's past, not the tree.
 *
 * <pre>
 * repomirror-index 1
 * f &lt;record, base64&gt; &lt;path&gt;
 * r &lt;dist&gt; &lt;path&gt;          a suite references a path
 * w &lt;dist&gt; &lt;path&gt;          a suite was published without a path
 * d &lt;since-ms&gt; &lt;path&gt;      a path waits for its deletion
 * </pre>
 *
 * Fields are separated by one tab; in dists and paths {@code %}, tab, CR and LF are written as
 * {@code %25 %09 %0D %0A}.
 */
public final class IndexSnapshot {
  private static final String HEADER = "repomirror-index 1";
  private static final int RECORDS_PER_BATCH = 50_000;

  private IndexSnapshot() {}

  /** Writes the index to a stream, which it closes. */
  public static void write(Index index, OutputStream to) throws IOException {
    try (BufferedWriter out =
        new BufferedWriter(
            new OutputStreamWriter(new GZIPOutputStream(to, 1 << 16), StandardCharsets.UTF_8))) {
      out.write(HEADER + "\n");
      try {
        index.forEachFile(
            "",
            r -> {
              line(
                  out,
                  "f",
                  Base64.getEncoder().encodeToString(RecordCodec.encode(r)),
                  escape(r.path()));
            });
        for (String dist : index.suites()) {
          for (String p : index.references(dist).orElse(Set.of())) {
            line(out, "r", escape(dist), escape(p));
          }
          for (String p : index.publishedWithout(dist)) line(out, "w", escape(dist), escape(p));
        }
        for (Map.Entry<String, Long> d : index.pendingDeletes().entrySet()) {
          line(out, "d", Long.toString(d.getValue()), escape(d.getKey()));
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private static void line(BufferedWriter out, String kind, String a, String b) {
    try {
      out.write(kind + "\t" + a + "\t" + b + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads a copy into an index, records in batches and the suites' references last, so that an
   * index whose load was cut off has no suite and is loaded again.
   *
   * @return how many file records it held
   * @throws IndexException when the copy is not one this version reads, or is cut short
   */
  public static long load(InputStream from, Index index) throws IOException {
    Map<String, Set<String>> references = new HashMap<>();
    Map<String, Set<String>> without = new HashMap<>();
    Map<String, Long> deletes = new HashMap<>();
    long records = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(from, 1 << 16), StandardCharsets.UTF_8))) {
      if (!HEADER.equals(in.readLine())) {
        throw new IndexException("not a copy of an index this version reads", null);
      }
      Index.Batch batch = index.batch();
      int inBatch = 0;
      int n = 1;
      for (String line; (line = in.readLine()) != null; ) {
        n++;
        String[] f = line.split("\t", -1);
        if (f.length != 3)
          throw new IndexException("line " + n + " of the copy is malformed", null);
        switch (f[0]) {
          case "f" -> {
            String path = unescape(f[2]);
            batch.put(RecordCodec.decode(path, Base64.getDecoder().decode(f[1])));
            records++;
            if (++inBatch == RECORDS_PER_BATCH) {
              batch.commit();
              batch.close();
              batch = index.batch();
              inBatch = 0;
            }
          }
          case "r" ->
              references.computeIfAbsent(unescape(f[1]), d -> new HashSet<>()).add(unescape(f[2]));
          case "w" ->
              without.computeIfAbsent(unescape(f[1]), d -> new HashSet<>()).add(unescape(f[2]));
          case "d" -> deletes.put(unescape(f[2]), Long.parseLong(f[1]));
          default -> throw new IndexException("line " + n + " of the copy is malformed", null);
        }
      }
      batch.commit();
      batch.close();
    } catch (IllegalArgumentException | java.util.zip.ZipException | java.io.EOFException e) {
      throw new IndexException("the copy of the index is malformed: " + e.getMessage(), e);
    }
    try (Index.Batch batch = index.batch()) {
      deletes.forEach(batch::markForDeletion);
      without.forEach(batch::putPublishedWithout);
      references.forEach(batch::putReferences);
      batch.commit();
    }
    return records;
  }

  private static String escape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('\t') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return s.replace("%", "%25").replace("\t", "%09").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static String unescape(String s) {
    if (s.indexOf('%') < 0) return s;
    return s.replace("%09", "\t").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
  }
}
