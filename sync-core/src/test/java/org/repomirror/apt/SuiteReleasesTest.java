package org.repomirror.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.run.Phase;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.HttpUpstream;
import org.repomirror.source.LocalUpstream;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.testing.RecordingLedger;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * The first step alone, against a real signed archive on disk: each suite's Release is new, the one
 * published, or the reason the suite cannot go on; a signature that does not verify is a trust
 * failure whether the Release changed or not.
 */
class SuiteReleasesTest {
  private static final SigningKey ARCHIVE_KEY = SigningKey.generateRsa("archive <a@example.org>");

  @TempDir Path tmp;

  private final RecordingLedger ledger = new RecordingLedger();

  /** Validators as a sync would have recorded them for each Release URL it fetched. */
  private final Map<String, UpstreamValidators> recorded = new HashMap<>();

  private Path archive() throws Exception {
    Path root = tmp.resolve("archive");
    SampleRepository.modern(root, "stable").signedBy(ARCHIVE_KEY).write();
    return root;
  }

  private SuiteReleases releases(Path archive, SigningKey trusted) throws Exception {
    return releases(new LocalUpstream(archive), archive, trusted);
  }

  private SuiteReleases releases(Upstream upstream, Path archive, SigningKey trusted)
      throws Exception {
    ReleaseVerifier verifier =
        new ReleaseVerifier(Keyring.of(trusted.publicKeyring()), false, Clock.systemUTC());
    ReleaseFetcher fetcher =
        new ReleaseFetcher(
            upstream,
            Optional.of(verifier),
            (url, path) -> recorded.get(url),
            path -> {
              // The published copy is the upstream's, as after a sync that fetched it.
              Path f = archive.resolve(path);
              return Files.exists(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
            });
    return new SuiteReleases(fetcher, ledger, Clock.systemUTC());
  }

  private void remember(Released.Changed c) {
    recorded.put(c.release().validatorsUrl(), c.release().validators());
  }

  @Test
  void aNewReleaseIsChangedAndVerifiedThenUnchangedOnceItsValidatorsAreKnown() throws Exception {
    Path archive = archive();
    SuiteReleases step = releases(archive, ARCHIVE_KEY);

    Released first = step.fetch(List.of("dists/stable"));
    assertThat(first.suites()).singleElement().isInstanceOf(Released.Changed.class);
    Released.Changed c = (Released.Changed) first.suites().get(0);
    assertThat(c.signatures())
        .singleElement()
        .asString()
        .startsWith(String.format("%016X", ARCHIVE_KEY.keyId()));
    assertThat(c.release().raw())
        .extracting(RawFile::path)
        .contains("dists/stable/InRelease", "dists/stable/Release", "dists/stable/Release.gpg");
    assertThat(first.trustFailure()).isFalse();
    assertThat(ledger.phases).containsExactly(Phase.LIST);

    remember(c);
    Released second = step.fetch(List.of("dists/stable"));
    assertThat(second.suites()).singleElement().isInstanceOf(Released.Unchanged.class);
    assertThat(second.suites().get(0).signatures()).isEqualTo(c.signatures());
  }

  @Test
  void aKeyringThatDoesNotMatchFailsTrustEvenWhenTheUpstreamIsUnchanged() throws Exception {
    Path archive = archive();
    remember(
        (Released.Changed)
            releases(archive, ARCHIVE_KEY).fetch(List.of("dists/stable")).suites().get(0));

    SigningKey other = SigningKey.generateRsa("someone else <o@example.org>");
    Released r = releases(archive, other).fetch(List.of("dists/stable"));

    assertThat(r.suites()).singleElement().isInstanceOf(Released.Ended.class);
    Released.Ended e = (Released.Ended) r.suites().get(0);
    assertThat(e.outcome()).isEqualTo(SuiteOutcome.TRUST_FAILURE);
    assertThat(r.trustFailure()).isTrue();
  }

  @Test
  void aSuiteTheUpstreamLacksEndsAsNotFoundSayingWhatToCheckAndTheOthersGoOn() throws Exception {
    Path archive = archive();

    Released r =
        releases(archive, ARCHIVE_KEY)
            .fetch(List.of("dists/stable", "dists/nosuch/", "/dists/stable/", "dists/stable"));

    assertThat(r.suites())
        .extracting(Released.Suite::dist)
        .as("each suite once however it is spelled, in the order given, its path normalized")
        .containsExactly("dists/stable", "dists/nosuch");
    assertThat(r.suites().get(0)).isInstanceOf(Released.Changed.class);
    Released.Ended e = (Released.Ended) r.suites().get(1);
    assertThat(e.outcome()).isEqualTo(SuiteOutcome.NOT_FOUND);
    assertThat(e.reason())
        .isEqualTo(
            "the upstream has neither dists/nosuch/InRelease nor dists/nosuch/Release: is --dist"
                + " right?");
    assertThat(r.trustFailure()).isFalse();
  }

  @Test
  void aReleaseThatDisagreesWithItsInReleaseIsMalformed() throws Exception {
    Path archive = archive();
    Path release = archive.resolve("dists/stable/Release");
    Files.writeString(release, Files.readString(release).replaceFirst("Packages", "Packagez"));

    Released r = releases(archive, ARCHIVE_KEY).fetch(List.of("dists/stable"));

    Released.Ended e = (Released.Ended) r.suites().get(0);
    assertThat(e.outcome()).isEqualTo(SuiteOutcome.MALFORMED);
  }

  /**
   * Once the InRelease is in, the Release and Release.gpg beside it are asked for together, not one
   * after the other's answer: the old host holds its answer for the Release until it is asked for
   * the Release.gpg, 10 s at most.
   */
  @Test
  void theReleaseAndItsSignatureAreAskedForTogetherOnceTheInReleaseIsIn() throws Exception {
    Path archive = archive();
    CountDownLatch gpgAsked = new CountDownLatch(1);
    AtomicBoolean heardBeforeAnswering = new AtomicBoolean();
    try (ScriptedUpstream old = new ScriptedUpstream(archive);
        HttpUpstream upstream = new HttpUpstream(old.uri(), Duration.ofSeconds(30), 4)) {
      old.beforeFirst(p -> p.endsWith("dists/stable/Release.gpg"), gpgAsked::countDown);
      old.beforeFirst(
          p -> p.endsWith("dists/stable/Release"),
          () -> {
            try {
              heardBeforeAnswering.set(gpgAsked.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      Released r = releases(upstream, archive, ARCHIVE_KEY).fetch(List.of("dists/stable"));
      assertThat(r.suites()).singleElement().isInstanceOf(Released.Changed.class);
      Released.Changed c = (Released.Changed) r.suites().get(0);
      assertThat(c.release().raw())
          .extracting(RawFile::path)
          .containsExactly(
              "dists/stable/InRelease", "dists/stable/Release", "dists/stable/Release.gpg");
    }
    assertThat(heardBeforeAnswering).as("Release.gpg asked for before the Release came").isTrue();
  }
}
