package org.repomirror.publish;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedTree;

/**
 * What one step of a sync makes visible, carried out in the one order that is safe: the records
 * noted as intents, then content (new paths nothing references yet), then links, then metadata
 * (indexes, then Release files), then suites' new generations (each dists folder switched in one
 * step), then one index batch that records everything and drops the intents. A crash anywhere
 * leaves a tree whose visible metadata references only files in place, and intents that {@link
 * PublishIntents#recover} turns into records. Not thread-safe; carried out once.
 */
public final class Publication {
  private final List<PublishedTree.Staged> content = new ArrayList<>();
  private final List<PublishedTree.Staged> metadata = new ArrayList<>();
  private final List<PublishedTree.Link> links = new ArrayList<>();
  private final List<Generation> generations = new ArrayList<>();
  private final List<FileRecord> records = new ArrayList<>();
  private final List<Consumer<Index.Batch>> alsoRecorded = new ArrayList<>();

  /** A file nothing published references yet (a new pool file, a by-hash object). */
  public Publication content(PublishedTree.Staged staged, FileRecord record) {
    content.add(verified(staged, record));
    records.add(record);
    return this;
  }

  /** A file that references others: published after all content. */
  public Publication metadata(PublishedTree.Staged staged, FileRecord record) {
    metadata.add(verified(staged, record));
    records.add(record);
    return this;
  }

  public Publication link(PublishedTree.Link link, FileRecord record) {
    links.add(link);
    records.add(record);
    return this;
  }

  /** A suite's new generation: its dists folder's new files, switched in with the rest. */
  private record Generation(String dist, long id, List<PublishedTree.Staged> staged) {}

  /**
   * A suite's metadata as a new generation of its dists folder: published after everything else, in
   * one switch.
   */
  public Publication generation(
      String dist, long id, List<PublishedTree.Staged> staged, List<FileRecord> records) {
    Map<String, FileRecord> byPath = new HashMap<>();
    for (FileRecord r : records) byPath.put(r.path(), r);
    List<PublishedTree.Staged> verified = new ArrayList<>(staged.size());
    for (PublishedTree.Staged s : staged) verified.add(verified(s, byPath.get(s.localPath())));
    generations.add(new Generation(dist, id, List.copyOf(verified)));
    this.records.addAll(records);
    return this;
  }

  /** A staged file with the SHA-256 its record holds, for a tree that checks it as it writes. */
  private static PublishedTree.Staged verified(PublishedTree.Staged s, FileRecord r) {
    if (s.sha256() != null || r == null || !r.path().equals(s.localPath()) || r.isLink()) return s;
    return r.hashes()
        .get(HashAlgorithm.SHA256)
        .map(h -> new PublishedTree.Staged(s.staged(), s.localPath(), h))
        .orElse(s);
  }

  /** Something to write in the same index batch: references, validators, deletion marks. */
  public Publication alsoRecord(Consumer<Index.Batch> change) {
    alsoRecorded.add(change);
    return this;
  }

  /** The records of everything this publication makes visible. */
  public List<FileRecord> records() {
    return List.copyOf(records);
  }

  public boolean isEmpty() {
    return records.isEmpty() && alsoRecorded.isEmpty();
  }

  /** Makes everything visible and recorded; a publication with nothing in it writes nothing. */
  public void carryOut(Index index, PublishedTree published) throws IOException {
    if (isEmpty()) return;
    PublishIntents.declare(index, records);
    published.placeContent(content);
    published.placeLinks(links);
    published.placeMetadata(metadata);
    for (Generation g : generations) published.switchGeneration(g.dist(), g.id(), g.staged());
    try (Index.Batch batch = index.batch()) {
      for (FileRecord r : records) batch.put(r).deleteIntent(r.path());
      alsoRecorded.forEach(c -> c.accept(batch));
      batch.commit();
    }
  }

  /** Deletes the staged files instead: nothing of this publication becomes visible. */
  public void discard(PublishedTree published) throws IOException {
    for (PublishedTree.Staged s : content) published.discard(s.staged());
    for (PublishedTree.Staged s : metadata) published.discard(s.staged());
    for (Generation g : generations) {
      for (PublishedTree.Staged s : g.staged()) published.discard(s.staged());
    }
  }
}
