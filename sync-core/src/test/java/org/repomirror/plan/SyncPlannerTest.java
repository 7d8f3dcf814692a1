package org.repomirror.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;

class SyncPlannerTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private final Map<String, FileRecord> index = new HashMap<>();
  private final Map<String, DiskView.OnDisk> disk = new HashMap<>();

  private final DiskView diskView =
      new DiskView() {
        @Override
        public Optional<OnDisk> stat(String path) {
          return Optional.ofNullable(disk.get(path));
        }

        @Override
        public Optional<String> linkTarget(String path) {
          return Optional.empty();
        }
      };

  private static Wanted wanted(String path, long size, String sha) {
    return Wanted.pool(new ExpectedFile(path, size, Hashes.of(HashAlgorithm.SHA256, sha)));
  }

  private void known(String path, long size, String sha, FileState state, long mtime) {
    index.put(
        path, new FileRecord(path, size, mtime, Hashes.of(HashAlgorithm.SHA256, sha), state, 1, 1));
  }

  private SyncPlan plan(Wanted... wanted) {
    return SyncPlanner.plan(List.of(wanted), p -> Optional.ofNullable(index.get(p)), diskView);
  }

  @Test
  void aFileRecordedAndOnDiskAsRecordedIsReused() {
    known("pool/a.deb", 10, A, FileState.PUBLISHED, 1000);
    disk.put("pool/a.deb", new DiskView.OnDisk(true, 10, 1000));
    SyncPlan p = plan(wanted("pool/a.deb", 10, A));
    assertThat(p.reuse()).extracting(Wanted::path).containsExactly("pool/a.deb");
    assertThat(p.toFetch()).isEmpty();
  }

  @Test
  void aPathNothingIsAtIsANewFetch() {
    known("pool/a.deb", 10, A, FileState.PUBLISHED, 1000); // recorded, but lost from the disk
    SyncPlan p = plan(wanted("pool/a.deb", 10, A), wanted("pool/b.deb", 5, B));
    assertThat(p.fetch()).extracting(Wanted::path).containsExactly("pool/a.deb", "pool/b.deb");
    assertThat(p.replace()).isEmpty();
  }

  @Test
  void somethingElseAtThePathIsAReplacement() {
    known("pool/a.deb", 10, A, FileState.PUBLISHED, 1000);
    disk.put("pool/a.deb", new DiskView.OnDisk(true, 10, 1000));
    disk.put("pool/touched.deb", new DiskView.OnDisk(true, 10, 2000));
    known("pool/touched.deb", 10, A, FileState.PUBLISHED, 1000);
    disk.put("pool/unknown.deb", new DiskView.OnDisk(true, 10, 1000));
    disk.put("pool/dir", new DiskView.OnDisk(false, 4096, 1000));
    known("pool/dir", 4096, A, FileState.PUBLISHED, 1000);
    SyncPlan p =
        plan(
            wanted("pool/a.deb", 10, B), // new content upstream
            wanted("pool/touched.deb", 10, A), // changed on disk behind our back
            wanted("pool/unknown.deb", 10, A), // nothing recorded
            wanted("pool/dir", 4096, A)); // not a regular file
    assertThat(p.replace())
        .extracting(Wanted::path)
        .containsExactly("pool/a.deb", "pool/touched.deb", "pool/unknown.deb", "pool/dir");
    assertThat(p.reuse()).isEmpty();
  }

  @Test
  void aQuarantinedRecordIsNeverReused() {
    known("pool/a.deb", 10, A, FileState.QUARANTINED, 1000);
    disk.put("pool/a.deb", new DiskView.OnDisk(true, 10, 1000));
    assertThat(plan(wanted("pool/a.deb", 10, A)).replace()).hasSize(1);
  }

  @Test
  void aFileSeveralSuitesWantIsPlannedOnceAndConflictsAreNamed() {
    SyncPlan p =
        plan(
            wanted("pool/shared.deb", 10, A),
            wanted("pool/shared.deb", 10, A),
            wanted("pool/clash.deb", 10, A),
            wanted("pool/clash.deb", 11, A));
    assertThat(p.fetch())
        .extracting(Wanted::path)
        .containsExactly("pool/shared.deb", "pool/clash.deb");
    assertThat(p.fetch().get(1).expected().size()).as("the first wins").isEqualTo(10);
    assertThat(p.conflicts()).containsExactly("pool/clash.deb");
  }

  @Test
  void indexesThatGiveDifferentAlgorithmsAgree() {
    Wanted md5 =
        Wanted.pool(new ExpectedFile("pool/x", 3, Hashes.of(HashAlgorithm.MD5, "c".repeat(32))));
    assertThat(plan(wanted("pool/x", 3, A), md5).conflicts()).isEmpty();
  }

  @Test
  void bytesAreSplitByKind() {
    Wanted index =
        new Wanted(
            "dists/s/main/binary-amd64/Packages.xz",
            new ExpectedFile(
                "dists/s/main/binary-amd64/Packages.xz", 7, Hashes.of(HashAlgorithm.SHA256, A)),
            Wanted.Kind.INDEX,
            false);
    SyncPlan p = plan(wanted("pool/a.deb", 100, A), index);
    assertThat(p.toFetch(Wanted.Kind.POOL)).isEqualTo(new SyncPlan.Amount(1, 100));
    assertThat(p.toFetch(Wanted.Kind.INDEX)).isEqualTo(new SyncPlan.Amount(1, 7));
    assertThat(p.toFetch(Wanted.Kind.BY_HASH)).isEqualTo(new SyncPlan.Amount(0, 0));
  }
}
