package org.repomirror.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.tree.format.TreeEntry;

class TreePlannerTest {
  private static final String A = "a".repeat(64);

  private static DiskView disk(DiskView.OnDisk file, String link) {
    return new DiskView() {
      @Override
      public Optional<OnDisk> stat(String path) {
        return Optional.ofNullable(file);
      }

      @Override
      public Optional<String> linkTarget(String path) {
        return Optional.ofNullable(link);
      }
    };
  }

  private static FileRecord record(long size, long mtime) {
    return new FileRecord(
        "f", size, mtime, Hashes.of(HashAlgorithm.SHA256, A), FileState.PUBLISHED, 1, 1);
  }

  @Test
  void aFileListedAsRecordedAndOnDiskIsUnchanged() {
    TreeEntry e = TreeEntry.file("f", 10, 5000, null);
    assertThat(
            TreePlanner.decide(
                e,
                Optional.of(record(10, 5000)),
                disk(new DiskView.OnDisk(true, 10, 5000), null),
                false))
        .isInstanceOf(TreePlanner.Unchanged.class);
  }

  @Test
  void aListingToTheMinuteMatchesAnyMtimeInThatMinute() {
    TreeEntry minute = new TreeEntry("f", TreeEntry.Type.FILE, 10, 60_000, 60_000, null, null);
    DiskView there = disk(new DiskView.OnDisk(true, 10, 119_999), null);
    assertThat(TreePlanner.decide(minute, Optional.of(record(10, 119_999)), there, false))
        .isInstanceOf(TreePlanner.Unchanged.class);
    DiskView later = disk(new DiskView.OnDisk(true, 10, 120_000), null);
    TreePlanner.Decision d =
        TreePlanner.decide(minute, Optional.of(record(10, 120_000)), later, false);
    assertThat(d).isInstanceOf(TreePlanner.Fetch.class);
    assertThat(((TreePlanner.Fetch) d).mtimeMillis())
        .as("keep the upstream's Last-Modified")
        .isEqualTo(-1);
  }

  @Test
  void aManifestChecksumThatDiffersIsAFetchWithThatChecksum() {
    TreeEntry e = TreeEntry.file("f", 10, 5000, "b".repeat(64));
    TreePlanner.Decision d =
        TreePlanner.decide(
            e,
            Optional.of(record(10, 5000)),
            disk(new DiskView.OnDisk(true, 10, 5000), null),
            false);
    assertThat(d).isInstanceOf(TreePlanner.Fetch.class);
    assertThat(((TreePlanner.Fetch) d).expected().hashes().get(HashAlgorithm.SHA256))
        .hasValue("b".repeat(64));
    assertThat(((TreePlanner.Fetch) d).mtimeMillis()).isEqualTo(5000);
  }

  @Test
  void aFileChangedOnDiskIsFetchedAgain() {
    TreeEntry e = TreeEntry.file("f", 10, 5000, null);
    assertThat(
            TreePlanner.decide(
                e,
                Optional.of(record(10, 5000)),
                disk(new DiskView.OnDisk(true, 11, 5000), null),
                false))
        .isInstanceOf(TreePlanner.Fetch.class);
    assertThat(TreePlanner.decide(e, Optional.of(record(10, 5000)), disk(null, null), false))
        .isInstanceOf(TreePlanner.Fetch.class);
  }

  @Test
  void aLinkIsRemadeUnlessIndexAndDiskBothPointWhereTheListingDoes() {
    TreeEntry link = TreeEntry.link("l", "target", 1000);
    FileRecord known =
        new FileRecord(
            "l", 6, 1000, Hashes.of(HashAlgorithm.SHA256, A), FileState.PUBLISHED, 1, 1, "target");
    assertThat(TreePlanner.decide(link, Optional.of(known), disk(null, "target"), false))
        .isInstanceOf(TreePlanner.Unchanged.class);
    assertThat(TreePlanner.decide(link, Optional.of(known), disk(null, "elsewhere"), false))
        .isInstanceOf(TreePlanner.Link.class);
    assertThat(TreePlanner.decide(link, Optional.empty(), disk(null, "target"), false))
        .isInstanceOf(TreePlanner.Link.class);
  }

  @Test
  void currentNeedsEveryPartOfTheRecordToAgree() {
    DiskView same = disk(new DiskView.OnDisk(true, 10, 5000), null);
    TreeEntry e = TreeEntry.file("f", 10, 5000, A);
    assertThat(TreePlanner.current(e, record(10, 5000), same, false)).isTrue();
    assertThat(TreePlanner.current(TreeEntry.file("f", 11, 5000, A), record(10, 5000), same, false))
        .as("another size")
        .isFalse();
    assertThat(TreePlanner.current(TreeEntry.file("f", 10, 4999, A), record(10, 5000), same, false))
        .as("recorded after the listed mtime's second")
        .isFalse();
    assertThat(TreePlanner.current(TreeEntry.file("f", 10, 5001, A), record(10, 5000), same, false))
        .as("recorded before the listed mtime")
        .isFalse();
    assertThat(
            TreePlanner.current(
                TreeEntry.file("f", 10, 5000, "b".repeat(64)), record(10, 5000), same, false))
        .as("another checksum")
        .isFalse();
    FileRecord pending =
        new FileRecord(
            "f", 10, 5000, Hashes.of(HashAlgorithm.SHA256, A), FileState.PENDING_DELETE, 1, 1);
    assertThat(TreePlanner.current(e, pending, same, false)).as("not published").isFalse();
    TreeEntry neither = new TreeEntry("f", TreeEntry.Type.FILE, -1, -1, 1, null, null);
    assertThat(TreePlanner.current(neither, record(10, 5000), same, false))
        .as("a listing with neither size nor mtime proves nothing")
        .isFalse();
    TreeEntry sizeOnly = new TreeEntry("f", TreeEntry.Type.FILE, 10, -1, 1, null, null);
    assertThat(TreePlanner.current(sizeOnly, record(10, 5000), same, false)).isTrue();
    TreeEntry mtimeOnly = new TreeEntry("f", TreeEntry.Type.FILE, -1, 5000, 1, null, null);
    assertThat(TreePlanner.current(mtimeOnly, record(10, 5000), same, false)).isTrue();
  }

  @Test
  void aProvenFolderSparesTheStatButNotTheRecordsChecks() {
    DiskView gone = disk(null, null);
    TreeEntry e = TreeEntry.file("f", 10, 5000, A);
    assertThat(TreePlanner.current(e, record(10, 5000), gone, true))
        .as("the folder vouches for the file: no stat")
        .isTrue();
    assertThat(TreePlanner.current(TreeEntry.file("f", 11, 5000, A), record(10, 5000), gone, true))
        .as("another size than recorded")
        .isFalse();
    assertThat(TreePlanner.decide(e, Optional.of(record(10, 5000)), gone, false))
        .as("without the proof the stat finds it gone")
        .isInstanceOf(TreePlanner.Fetch.class);
  }

  @Test
  void currentNeedsTheDiskToHoldTheRecordedFile() {
    TreeEntry e = TreeEntry.file("f", 10, 5000, null);
    assertThat(TreePlanner.current(e, record(10, 5000), disk(null, null), false))
        .as("gone")
        .isFalse();
    assertThat(
            TreePlanner.current(
                e, record(10, 5000), disk(new DiskView.OnDisk(false, 10, 5000), null), false))
        .as("not a regular file")
        .isFalse();
    assertThat(
            TreePlanner.current(
                e, record(10, 5000), disk(new DiskView.OnDisk(true, 9, 5000), null), false))
        .as("another size on disk")
        .isFalse();
    assertThat(
            TreePlanner.current(
                e, record(10, 5000), disk(new DiskView.OnDisk(true, 10, 5001), null), false))
        .as("another mtime on disk")
        .isFalse();
  }
}
