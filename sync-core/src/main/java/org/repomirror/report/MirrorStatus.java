package org.repomirror.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedFiles;
import org.repomirror.trust.ReleaseVerifier;

/**
 * What {@code status} shows of a mirror: the last runs, each suite, the totals, the quarantine,
 * pending deletions and free disk.
 *
 * @param runs the last runs, newest first, as the engine recorded them
 */
public record MirrorStatus(
    String syncInProgress,
    List<RunRecord> runs,
    List<Suite> suites,
    long files,
    long bytes,
    List<String> quarantined,
    long pendingDeletes,
    long diskFreeBytes,
    long diskTotalBytes) {

  /**
   * @param releaseDate the Date of its published Release, or null when unreadable
   * @param files paths the suite references
   * @param bytes their total size
   */
  public record Suite(String dist, String releaseDate, long files, long bytes) {}

  /**
   * @param published the tree the mirror publishes, where each suite's Release is read
   * @param root the mirror's root: its state, quarantine and disk
   * @param syncInProgress the sync running now, as it names itself, or null when none is
   */
  public static MirrorStatus read(
      PublishedFiles published, Path root, Index index, int lastRuns, String syncInProgress)
      throws IOException {
    List<RunRecord> runs = new ArrayList<>();
    for (String json : index.runs(lastRuns)) runs.add(RunRecord.parse(json));
    List<Suite> suites = new ArrayList<>();
    for (String dist : index.suites()) {
      long files = 0;
      long bytes = 0;
      for (String path : index.references(dist).orElse(java.util.Set.of())) {
        Optional<FileRecord> r = index.file(path);
        if (r.isPresent()) {
          files++;
          bytes += r.get().size();
        }
      }
      suites.add(
          new Suite(
              dist,
              publishedReleaseDate(published, dist).map(Object::toString).orElse(null),
              files,
              bytes));
    }
    long[] totals = new long[2];
    index.forEachFile(
        "",
        r -> {
          totals[0]++;
          totals[1] += r.size();
        });
    List<String> quarantined = quarantined(root);
    FileStore store = Files.getFileStore(root);
    return new MirrorStatus(
        syncInProgress,
        runs,
        suites,
        totals[0],
        totals[1],
        quarantined,
        index.pendingDeletes().size(),
        store.getUsableSpace(),
        store.getTotalSpace());
  }

  /** The Date of a suite's published InRelease (or Release), or empty when unreadable. */
  static Optional<java.time.Instant> publishedReleaseDate(PublishedFiles published, String dist) {
    try {
      byte[] text;
      try (InputStream in = published.open(dist + "/InRelease")) {
        text = ReleaseVerifier.unverifiedText(in.readAllBytes());
      } catch (NoSuchFileException e) {
        try (InputStream in = published.open(dist + "/Release")) {
          text = in.readAllBytes();
        }
      }
      return ReleaseFile.parse(text).date();
    } catch (Exception e) {
      return Optional.empty(); // status reports; verify judges
    }
  }

  /** The files in quarantine, as paths below it. */
  static List<String> quarantined(Path root) throws IOException {
    List<String> quarantined = new ArrayList<>();
    Path q = root.resolve(".repomirror/quarantine");
    if (Files.isDirectory(q)) {
      try (Stream<Path> walk = Files.walk(q)) {
        walk.filter(Files::isRegularFile).forEach(p -> quarantined.add(q.relativize(p).toString()));
      }
    }
    return quarantined;
  }

  public String summary() {
    StringBuilder s = new StringBuilder();
    if (syncInProgress != null) s.append("Sync in progress: ").append(syncInProgress).append('\n');
    s.append("Last runs:\n");
    if (runs.isEmpty()) s.append("  (none)\n");
    for (RunRecord r : runs) s.append(runLine(r));
    s.append("Suites:\n");
    if (suites.isEmpty()) s.append("  (none)\n");
    for (Suite suite : suites) {
      s.append(
          String.format(
              "  %-40s Release of %s, %d files, %.1f MB%n",
              suite.dist(),
              suite.releaseDate() == null ? "(unreadable)" : toTheSecond(suite.releaseDate()),
              suite.files(),
              suite.bytes() / 1e6));
    }
    s.append(String.format("Files: %d, %.1f MB%n", files, bytes / 1e6));
    s.append(String.format("Pending deletions: %d%n", pendingDeletes));
    s.append(String.format("Quarantined: %d%n", quarantined.size()));
    quarantined.stream().limit(20).forEach(p -> s.append("  ").append(p).append('\n'));
    s.append(
        String.format(
            "Disk: %.1f GB free of %.1f GB%n", diskFreeBytes / 1e9, diskTotalBytes / 1e9));
    return s.toString();
  }

  private static String runLine(RunRecord r) {
    if (r.kept().isPresent()) {
      RunRecord.Kept k = r.kept().get();
      return String.format(
          "  %-20s %-4s %-13s published %d new files; kept in staging for the next run: %d verified"
              + " files and %d partial downloads (%.1f MB)%n",
          toTheSecond(r.period().started()),
          r.mode(),
          r.outcome(),
          r.counts().fetched(),
          k.files(),
          k.partialFiles(),
          k.bytes() / 1e6);
    }
    long millis = r.phaseMillis().values().stream().mapToLong(Long::longValue).sum();
    return String.format(
        "  %-20s %-4s %-13s fetched %d files (%.1f MB), failed %d, missing %d, deleted %d  phases"
            + " %.1f s%n",
        toTheSecond(r.period().started()),
        r.mode(),
        r.outcome(),
        r.counts().fetched(),
        r.counts().bytesFetched() / 1e6,
        r.counts().failed(),
        r.counts().missing(),
        r.counts().deleted(),
        millis / 1000.0);
  }

  /** An ISO-8601 time as status shows it: UTC, to the second ({@code 2026-12-06T08:21:53Z}). */
  static String toTheSecond(Object time) {
    if (time == null) return "?";
    try {
      return java.time.Instant.parse(time.toString())
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (java.time.format.DateTimeParseException e) {
      return time.toString(); // recorded by another version: as it was written
    }
  }

  public String json() throws IOException {
    return Json.PRETTY.writeValueAsString(this);
  }
}
