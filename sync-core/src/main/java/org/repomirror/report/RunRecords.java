package org.repomirror.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.repomirror.index.Index;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;

/**
 * What the index keeps of runs between them: a summary of each run (for {@code status} and a plan's
 * rates), and the estimate of the last plan until the next run reports it.
 */
public final class RunRecords {
  static final String PLAN_KEY = "plan";

  private RunRecords() {}

  /** Keeps a plan's estimate (null for none) for the next run's report. */
  public static void rememberPlan(Index index, Clock clock, Double estimatedSeconds)
      throws JsonProcessingException {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("created", clock.instant().toString());
    plan.put("estimatedSeconds", estimatedSeconds);
    try (Index.Batch batch = index.batch()) {
      batch.putMeta(PLAN_KEY, Json.MAPPER.writeValueAsString(plan));
      batch.commit();
    }
  }

  /** The estimate of the plan made since the last run, if any; used once. */
  public static Double takePlannedEstimate(Index index) {
    Optional<String> plan = index.meta(PLAN_KEY);
    if (plan.isEmpty()) return null;
    try (Index.Batch batch = index.batch()) {
      batch.deleteMeta(PLAN_KEY);
      batch.commit();
    }
    try {
      JsonNode seconds = Json.MAPPER.readTree(plan.get()).get("estimatedSeconds");
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
  public static void record(Index index, SyncReport r, String mode) {
    RunRecord run =
        new RunRecord(
            new RunRecord.Period(r.run().started(), r.run().finished()),
            r.run().upstream(),
            mode,
            r.outcome().label(),
            new RunRecord.Counts(
                r.totals().filesFetched(),
                r.totals().filesFailed(),
                r.totals().filesMissing(),
                r.totals().filesDeleted(),
                r.totals().bytesFetched()),
            r.run().phaseMillis(),
            Optional.empty());
    Map<String, SuiteStatus> statuses = statusesAfter(index, r);
    try (Index.Batch batch = index.batch()) {
      batch.putRun(r.run().started(), run.toJson());
      batch.putMeta(SuiteStatus.INDEX_KEY, SuiteStatus.toJson(statuses));
      batch.commit();
    }
  }

  /** Keeps the summary of a run that was stopped before it finished. */
  public static void recordInterrupted(Index index, RunRecord run) {
    try (Index.Batch batch = index.batch()) {
      batch.putRun(run.period().started(), run.toJson());
      batch.commit();
    }
  }

  /** Each suite's and the tree's status, updated by this run where it tried them. */
  private static Map<String, SuiteStatus> statusesAfter(Index index, SyncReport r) {
    Map<String, SuiteStatus> statuses =
        SuiteStatus.parseAll(index.meta(SuiteStatus.INDEX_KEY).orElse(null));
    double seconds = seconds(r);
    for (SyncReport.SuiteReport s : r.suites()) {
      statuses.put(
          s.dist(),
          SuiteStatus.after(
              statuses.get(s.dist()),
              r.run().finished(),
              s.outcome().label(),
              s.outcome().settled(),
              seconds,
              s.counts().fetched(),
              s.counts().bytesFetched(),
              s.counts().failed() + s.counts().missing()));
    }
    TreeResult t = r.tree();
    if (t != null) {
      boolean ok = t.outcome() == TreeOutcome.MIRRORED || t.outcome() == TreeOutcome.UNCHANGED;
      statuses.put(
          SuiteStatus.TREE,
          SuiteStatus.after(
              statuses.get(SuiteStatus.TREE),
              r.run().finished(),
              t.outcome().label(),
              ok,
              seconds,
              t.moved().fetched(),
              t.moved().bytesFetched(),
              t.moved().failed()));
    }
    return statuses;
  }

  private static double seconds(SyncReport r) {
    return new RunRecord.Period(r.run().started(), r.run().finished()).length().toMillis() / 1000.0;
  }
}
