package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.apt.IndexReader;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.SuiteReleases;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.apt.Wanting;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.fs.FileStore;
import org.repomirror.run.Progress;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.LocalUpstream;
import org.repomirror.store.LocalTree;
import org.repomirror.testing.FakeIndex;
import org.repomirror.testing.RecordingLedger;
import org.repomirror.testing.TestTransfers;
import org.repomirror.testing.TreeSnapshot;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;

/**
 * The last step alone: a suite whose files are all there is published as a new generation of its
 * dists folder, with its references in the index; one with a file that could not be had leaves the
 * served tree as it was, unless the allowed errors permit it, and then says what it lacks.
 */
class SuitesPublisherTest {
  private static final SigningKey KEY = SigningKey.generateRsa("archive <a@example.org>");
  private static final String DIST = "dists/stable";

  @TempDir Path tmp;

  private final RecordingLedger ledger = new RecordingLedger();
  private final FakeIndex index = new FakeIndex();

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  private LocalTree tree() {
    return new LocalTree(mirror(), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
  }

  /** The archive written, its indexes read into staging, and its pool already in the mirror. */
  private Wanting prepared() throws Exception {
    SampleRepository.Suite suite =
        SampleRepository.modern(tmp.resolve("archive"), "stable")
            .signedBy(KEY)
            .add("hello", "2.10-1", "amd64", "main", 3000)
            .add("world", "1.0-1", "amd64", "main", 2000)
            .write();
    Files.createDirectories(mirror());
    for (SampleRepository.SamplePackage p : suite.packages()) {
      Path target = mirror().resolve(p.filename());
      Files.createDirectories(target.getParent());
      Files.write(target, p.deb()); // as the pool's transfer published them
    }
    LocalUpstream upstream = new LocalUpstream(tmp.resolve("archive"));
    ReleaseFetcher fetcher =
        new ReleaseFetcher(
            upstream, Optional.empty(), (url, path) -> null, path -> Optional.empty());
    Transfer transfer = TestTransfers.strict(upstream, tmp);
    try (Transfer.Session session = transfer.open(Progress.NONE, ledger)) {
      return new IndexReader(SuiteSelection.all(), index, tree(), ledger)
          .read(
              new SuiteReleases(fetcher, ledger, Clock.systemUTC()).fetch(List.of(DIST)),
              IndexReader.Mode.ALL,
              session,
              w -> {});
    }
  }

  private Published publish(Wanting wanting, Transferred pool, int allowErrors) throws Exception {
    return new SuitesPublisher(
            index,
            tree(),
            ledger,
            Clock.systemUTC(),
            1_000,
            new SuitesPublisher.Settings(
                allowErrors, Transfer.MismatchPolicy.STRICT, tmp.resolve("staging")))
        .publish(wanting, pool);
  }

  /** The pool's transfer, with one file the upstream did not have. */
  private static Transferred oneMissing(String path) {
    FetchOutcome missing =
        new FetchOutcome.Missing(
            new FetchTask(path, path, new ExpectedFile(path, 10, null)), "http://u/" + path, 404);
    return new Transferred(Map.of(), Map.of(path, missing), Set.of(), Map.of());
  }

  private static String aPoolFile(Wanting wanting) {
    return ((Wanting.Changed) wanting.suites().getFirst()).wanted().keySet().iterator().next();
  }

  @Test
  void aCompleteSuiteIsPublishedAsAGenerationWithItsReferences() throws Exception {
    Wanting wanting = prepared();

    Published p = publish(wanting, Transferred.NOTHING, 0);

    assertThat(p.suites())
        .singleElement()
        .extracting(Published.Suite::outcome)
        .isEqualTo(SuiteOutcome.PUBLISHED);
    assertThat(tree().currentGeneration(DIST)).isPresent();
    for (String name :
        List.of("InRelease", "Release", "Release.gpg", "main/binary-amd64/Packages.xz")) {
      assertThat(Files.readAllBytes(mirror().resolve(DIST + "/" + name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(tmp.resolve("archive").resolve(DIST + "/" + name)));
    }
    assertThat(index.references(DIST).orElseThrow())
        .contains(aPoolFile(wanting), DIST + "/InRelease", DIST + "/main/binary-amd64/Packages.xz");
  }

  @Test
  void aSuiteThatLacksAFileLeavesTheServedTreeAsItWasAndSaysHowToPublishIt() throws Exception {
    Wanting wanting = prepared();
    Map<String, String> before = TreeSnapshot.served(mirror(), false);
    String lost = aPoolFile(wanting);

    Published p = publish(wanting, oneMissing(lost), 0);

    Published.Suite s = p.suites().getFirst();
    assertThat(s.outcome()).isEqualTo(SuiteOutcome.NOT_PUBLISHED);
    assertThat(s.reason())
        .isEqualTo(
            "1 file(s) bad or missing; nothing of it is published yet (--allow-errors 1 publishes"
                + " it without them)");
    assertThat(s.unusable()).containsExactly(lost);
    assertThat(TreeSnapshot.served(mirror(), false)).isEqualTo(before);
    assertThat(index.references(DIST)).isEmpty();
    assertThat(ledger.failures).extracting(f -> f.path()).containsExactly(lost);
  }

  @Test
  void theAllowedErrorsPublishItWithoutTheFileItLacks() throws Exception {
    Wanting wanting = prepared();
    String lost = aPoolFile(wanting);

    Published p = publish(wanting, oneMissing(lost), 1);

    Published.Suite s = p.suites().getFirst();
    assertThat(s.outcome()).isEqualTo(SuiteOutcome.PUBLISHED);
    assertThat(s.unusable()).containsExactly(lost);
    assertThat(mirror().resolve(DIST + "/InRelease")).exists();
    assertThat(index.references(DIST).orElseThrow())
        .as("the index records what it was published without")
        .doesNotContain(lost);
  }
}
