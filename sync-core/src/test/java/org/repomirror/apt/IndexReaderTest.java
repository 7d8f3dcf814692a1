package org.repomirror.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileStore;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Progress;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.LocalUpstream;
import org.repomirror.store.LocalTree;
import org.repomirror.testing.FakeIndex;
import org.repomirror.testing.RecordingLedger;
import org.repomirror.testing.TestTransfers;
import org.repomirror.transfer.Transfer;

/**
 * The second step alone, against a real archive on disk and a real transfer: what each suite wants
 * once its indexes are read, each pool file heard of as it is found; a sync's indexes against a
 * plan's; an unchanged suite's references; a variant the upstream lacks.
 */
class IndexReaderTest {
  private static final SigningKey KEY = SigningKey.generateRsa("archive <a@example.org>");

  @TempDir Path tmp;

  private final RecordingLedger ledger = new RecordingLedger();
  private final FakeIndex index = new FakeIndex();

  private SampleRepository.Suite archive() throws Exception {
    return SampleRepository.modern(tmp.resolve("archive"), "stable")
        .components("main", "contrib")
        .architectures("amd64", "arm64")
        .signedBy(KEY)
        .add("hello", "2.10-1", "amd64", "main", 3000)
        .add("world", "1.0-1", "arm64", "contrib", 2000)
        .add("extra", "0.1-1", "amd64", "contrib", 1000)
        .write();
  }

  private Released released(String... dists) throws Exception {
    ReleaseFetcher fetcher =
        new ReleaseFetcher(
            new LocalUpstream(tmp.resolve("archive")),
            Optional.empty(),
            (url, path) -> null,
            path -> Optional.empty());
    return new SuiteReleases(fetcher, ledger, Clock.systemUTC()).fetch(List.of(dists));
  }

  /** Reads the suites' indexes through a real transfer; every file heard of lands in heard. */
  private Wanting read(Released released, IndexReader.Mode mode, List<Wanted> heard)
      throws Exception {
    Files.createDirectories(tmp.resolve("mirror"));
    LocalTree tree =
        new LocalTree(
            tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
    Transfer transfer = TestTransfers.strict(new LocalUpstream(tmp.resolve("archive")), tmp);
    try (Transfer.Session session = transfer.open(Progress.NONE, ledger)) {
      return new IndexReader(SuiteSelection.all(), index, tree, ledger)
          .read(released, mode, session, heard::add);
    }
  }

  private static Set<String> packagesOf(SampleRepository.Suite suite) {
    Set<String> paths = new java.util.HashSet<>();
    suite.packages().forEach(p -> paths.add(p.filename()));
    assertThat(paths).as("the archive's packages").hasSize(3);
    return paths;
  }

  @Test
  void everyPoolFileIsHeardOfOnceAndWantedAndASyncFetchesEveryVariant() throws Exception {
    SampleRepository.Suite suite = archive();
    List<Wanted> heard = new ArrayList<>();

    Wanting w = read(released("dists/stable"), IndexReader.Mode.ALL, heard);

    Wanting.Changed c = (Wanting.Changed) w.suites().get(0);
    assertThat(heard).extracting(Wanted::path).doesNotHaveDuplicates();
    assertThat(Set.copyOf(heard.stream().map(Wanted::path).toList()))
        .isEqualTo(packagesOf(suite))
        .isEqualTo(c.wanted().keySet());
    assertThat(heard).allMatch(x -> x.kind() == Wanted.Kind.POOL);
    assertThat(c.indexes().staged().keySet())
        .as("every listed variant and by-hash copy, as apt may ask for any")
        .contains(
            "dists/stable/main/binary-amd64/Packages.xz",
            "dists/stable/main/binary-amd64/Packages.gz",
            "dists/stable/contrib/binary-arm64/Packages.gz")
        .anyMatch(p -> p.contains("/by-hash/SHA256/"));
    assertThat(c.indexes().failed()).isZero();
  }

  @Test
  void aPlanFetchesOneReadableVariantOfEachIndexAndWantsTheSamePoolFiles() throws Exception {
    SampleRepository.Suite suite = archive();
    List<Wanted> heard = new ArrayList<>();

    Wanting w = read(released("dists/stable"), IndexReader.Mode.TO_READ, heard);

    Wanting.Changed c = (Wanting.Changed) w.suites().get(0);
    assertThat(c.wanted().keySet()).isEqualTo(packagesOf(suite));
    assertThat(c.indexes().staged().keySet())
        .as("the preferred variant of each Packages, nothing else")
        .containsExactlyInAnyOrder(
            "dists/stable/main/binary-amd64/Packages.xz",
            "dists/stable/main/binary-arm64/Packages.xz",
            "dists/stable/contrib/binary-amd64/Packages.xz",
            "dists/stable/contrib/binary-arm64/Packages.xz");
  }

  @Test
  void aVariantTheUpstreamLacksIsNotedAndTheNextOneRead() throws Exception {
    SampleRepository.Suite suite = archive();
    Files.delete(tmp.resolve("archive/dists/stable/main/binary-amd64/Packages.xz"));

    Wanting w = read(released("dists/stable"), IndexReader.Mode.TO_READ, new ArrayList<>());

    Wanting.Changed c = (Wanting.Changed) w.suites().get(0);
    assertThat(c.wanted().keySet()).isEqualTo(packagesOf(suite));
    assertThat(c.indexes().listedAbsent())
        .containsExactly("dists/stable/main/binary-amd64/Packages.xz");
    assertThat(c.indexes().staged()).containsKey("dists/stable/main/binary-amd64/Packages.gz");
  }

  @Test
  void anUnchangedSuiteWantsWhatItReferencedAndAnEndedOneNothing() throws Exception {
    archive();
    Hashes h = Hashes.of(HashAlgorithm.SHA256, "ab".repeat(32));
    index
        .batch()
        .put(new FileRecord("pool/main/a/a.deb", 3, 0, h, FileState.PUBLISHED, 1, 1))
        .putReferences("dists/stable", Set.of("pool/main/a/a.deb", "pool/gone.deb"))
        .commit();
    // The upstream's Release is the one published: unchanged, as a conditional fetch finds.
    Released released =
        new Released(
            List.of(
                new Released.Unchanged("dists/stable", List.of("not verified")),
                new Released.Ended(
                    "dists/nosuch", SuiteOutcome.NOT_FOUND, "no such suite", List.of())));
    List<Wanted> heard = new ArrayList<>();

    Wanting w = read(released, IndexReader.Mode.ALL, heard);

    assertThat(heard)
        .as("a reference the index has no record of is nothing to check")
        .extracting(Wanted::path)
        .containsExactly("pool/main/a/a.deb");
    Wanting.Unchanged u = (Wanting.Unchanged) w.suites().get(0);
    assertThat(u.wanted().get("pool/main/a/a.deb").expected().size()).isEqualTo(3);
    Wanting.Ended e = (Wanting.Ended) w.suites().get(1);
    assertThat(e.outcome()).isEqualTo(SuiteOutcome.NOT_FOUND);
    assertThat(e.indexes()).isEqualTo(Wanting.Indexes.NONE);
    assertThat(w.allWanted()).containsExactly("pool/main/a/a.deb");
  }
}
