package org.repomirror.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.repomirror.index.Index;
import org.repomirror.report.SyncReport;

/**
 * What the index keeps of runs between them: a summary of each run (for {@code status} and a plan's
 * rates), and the estimate of the last plan until the next run reports it.
 */
final class RunRecords {
  static final String PLAN_KEY = "plan";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunRecords() {}

  /** Keeps a plan's estimate (null for none) for the next run's report. */
  static void rememberPlan(Index index, Clock clock, Double estimatedSeconds)
      throws JsonProcessingException {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("created", clock.instant().toString());
    plan.put("estimatedSeconds", estimatedSeconds);
    try (Index.Batch batch = index.batch()) {
      batch.putMeta(PLAN_KEY, JSON.writeValueAsString(plan));
      batch.commit();
    }
  }

  /** The estimate of the plan made since the last run, if any; used once. */
  static Double takePlannedEstimate(Index index) {
    Optional<String> plan = index.meta(PLAN_KEY);
    if (plan.isEmpty()) return null;
    try (Index.Batch batch = index.batch()) {
      batch.deleteMeta(PLAN_KEY);
      batch.commit();
    }
    try {
      JsonNode seconds = JSON.readTree(plan.get()).get("estimatedSeconds");
      return seconds == null || seconds.isNull() ? null : seconds.asDouble();
    } catch (JsonProcessingException | RuntimeException e) {
      return null; // a plan from another version: no estimate to compare with
    }
  }

  /**
   * Keeps a summary of a run in the index.
   *
   * @param mode apt or tree
   */
  static void record(Index index, SyncReport r, String mode) throws JsonProcessingException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("started", r.started());
    summary.put("finished", r.finished());
    summary.put("upstream", r.upstream());
    summary.put("mode", mode);
    summary.put("outcome", r.outcome().label());
    summary.put("filesFetched", r.filesFetched());
    summary.put("filesFailed", r.filesFailed() + r.filesMissing());
    summary.put("filesDeleted", r.filesDeleted());
    summary.put("bytesFetched", r.bytesFetched());
    summary.put("phaseMillis", r.phaseMillis());
    try (Index.Batch batch = index.batch()) {
      batch.putRun(r.started(), JSON.writeValueAsString(summary));
      batch.commit();
    }
  }
}
