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
import org.repomirror.source.UpstreamValidators;

/**
 * The index as one gzip'd text, for a copy kept beside a tree the sync node does not hold (a
 * bucket): every file's record, every suite's references and the files it was published without,
 * the deletions waiting out their grace, and what the upstream said of each URL (its validators, so
 * that an unchanged Release is a 304). A sync node that lost its index loads the copy rather than
 * fetch and hash the tree again. Runs and intents stay behind: they describe this node's past.
 *
 * <pre>
 * repomirror-index 1
 * f &lt;record, base64&gt; &lt;path&gt;
 * r &lt;dist&gt; &lt;path&gt;          a suite references a path
 * w &lt;dist&gt; &lt;path&gt;          a suite was published without a path
 * d &lt;since-ms&gt; &lt;path&gt;      a path waits for its deletion
 * v &lt;etag&gt; &lt;last-modified&gt; &lt;url&gt;   what the upstream said of a URL, for a conditional request
 * </pre>
 *
 * An ETag or a Last-Modified that the upstream did not send is an empty field, one it sent is
 * written after an {@code =}.
 *
 * <p>Fields are separated by one tab; in dists and paths {@code %}, tab, CR and LF are written as
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
        index.forEachValidators(
            (url, v) -> {
              try {
                out.write(
                    "v\t"
                        + present(v.etag())
                        + "\t"
                        + present(v.lastModified())
                        + "\t"
                        + escape(url)
                        + "\n");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
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
    Map<String, UpstreamValidators> validators = new HashMap<>();
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
        if (f.length != (f[0].equals("v") ? 4 : 3)) {
          throw new IndexException("line " + n + " of the copy is malformed", null);
        }
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
          case "v" ->
              validators.put(unescape(f[3]), new UpstreamValidators(absent(f[1]), absent(f[2])));
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
      validators.forEach(batch::putValidators);
      without.forEach(batch::putPublishedWithout);
      references.forEach(batch::putReferences);
      batch.commit();
    }
    return records;
  }

  /** A value the upstream may not have sent: empty when it did not, else after an {@code =}. */
  private static String present(String value) {
    return value == null ? "" : "=" + escape(value);
  }

  private static String absent(String field) {
    return field.isEmpty() ? null : unescape(field.substring(1));
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
