package org.repomirror.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.source.TransportUse;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;

/**
 * The reports' JSON is what scripts read: one flat object per report, suite, tree pass and verdict,
 * with the same fields whatever groups the records keep them in.
 */
class ReportJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aSyncReportIsOneFlatObjectWithEveryFieldScriptsRead() throws Exception {
    SyncReport report =
        new SyncReport(
            new SyncReport.Run(
                "2026-12-06T10:00:00Z",
                "2026-12-06T10:00:04Z",
                "http://u/",
                "verified",
                2.5,
                Map.of("transfer", 2000L),
                List.of(new TransportUse("HTTP/2", 1, 120, 80))),
            List.of(
                new SyncReport.SuiteReport(
                    "dists/stable",
                    SuiteOutcome.PUBLISHED,
                    null,
                    new SyncReport.SuiteReport.Counts(10, 8, 2, 0, 0, 0, 8_000_000),
                    List.of("KEY rsa/SHA256"),
                    List.of())),
            new SyncReport.Totals(8, 2, 0, 0, 1, 8_000_000),
            new SyncReport.Findings(List.of(), List.of("a warning"), List.of(), 0),
            new TreeResult(
                new TreeResult.Source("manifest", "manifest-sha256"),
                TreeOutcome.MIRRORED,
                null,
                new TreeResult.Seen(5, 4, 0, 1),
                new TreeResult.Moved(1, 0, 0, 100),
                new TreeResult.Unmirrored(List.of(), 0)),
            new SyncReport.Ending(
                RunOutcome.OK,
                null,
                new SyncReport.FinalReport(
                    true,
                    "identical",
                    List.of(),
                    4,
                    0,
                    new SyncReport.FinalReport.Proof(9, 8, 80, 1))));

    JsonNode json = JSON.readTree(JSON.writeValueAsString(report));

    assertThat(fields(json))
        .containsExactlyInAnyOrder(
            "started",
            "finished",
            "upstream",
            "signatureVerification",
            "plannedSeconds",
            "phaseMillis",
            "transport",
            "suites",
            "filesFetched",
            "filesUnchanged",
            "filesFailed",
            "filesMissing",
            "filesDeleted",
            "bytesFetched",
            "megabytesPerSecond",
            "failures",
            "warnings",
            "changes",
            "changesOmitted",
            "tree",
            "outcome",
            "reason",
            "finalSync");
    assertThat(json.path("megabytesPerSecond").asDouble()).as("8 MB in 2 s").isEqualTo(4.0);
    assertThat(json.path("outcome").asText()).isEqualTo("ok");
    assertThat(json.path("transport").get(0).path("protocol").asText()).isEqualTo("HTTP/2");
    assertThat(json.path("transport").get(0).path("requests").asLong()).isEqualTo(120);
    assertThat(fields(json.path("suites").get(0)))
        .containsExactlyInAnyOrder(
            "dist",
            "outcome",
            "reason",
            "files",
            "fetched",
            "unchanged",
            "failed",
            "missing",
            "repaired",
            "bytesFetched",
            "signatures",
            "listedAbsent");
    assertThat(fields(json.path("tree")))
        .containsExactlyInAnyOrder(
            "source",
            "verification",
            "outcome",
            "reason",
            "listed",
            "unchanged",
            "skipped",
            "markedForDeletion",
            "fetched",
            "failed",
            "links",
            "bytesFetched",
            "notMirrored",
            "notMirroredOmitted");
    assertThat(fields(json.path("finalSync")))
        .containsExactlyInAnyOrder(
            "identical",
            "verdict",
            "differences",
            "actualSeconds",
            "suiteReruns",
            "filesChecked",
            "filesVerified",
            "bytesVerified",
            "suitesChecked");
    assertThat(json.path("finalSync").path("filesVerified").asLong()).isEqualTo(8);
  }

  @Test
  void aPlanIsOneFlatObjectWhoseFetchIsPoolAndIndexes() throws Exception {
    PlanReport plan =
        new PlanReport(
            "http://u/",
            List.of(),
            new PlanReport.Totals(3, 300, 2, 20, 1, 5, 7, 0),
            new PlanReport.Estimate(null, "no probe"),
            List.of(),
            RunOutcome.OK,
            null);

    JsonNode json = JSON.readTree(plan.json());

    assertThat(fields(json))
        .containsExactlyInAnyOrder(
            "upstream",
            "items",
            "fetchFiles",
            "fetchBytes",
            "poolFiles",
            "poolBytes",
            "indexFiles",
            "indexBytes",
            "mayBeAbsentFiles",
            "mayBeAbsentBytes",
            "unchangedFiles",
            "deleteFiles",
            "estimatedSeconds",
            "estimateBasis",
            "warnings",
            "outcome",
            "reason");
    assertThat(json.path("fetchFiles").asLong()).isEqualTo(5);
    assertThat(json.path("fetchBytes").asLong()).isEqualTo(320);
  }

  /**
   * What a sync readies on the side while it waits on the network (its report's serializers, run
   * once on a report with nothing in it) must not fail: it would only be logged, and the end of
   * every run would be slow again unnoticed.
   */
  @Test
  void theEndOfASyncIsReadiedWithoutAFailure() {
    assertThatCode(Json::prepareSyncOutputs).doesNotThrowAnyException();
  }
}
