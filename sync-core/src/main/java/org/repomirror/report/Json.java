package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.repomirror.apt.SuiteOutcome;

/**
 * The one JSON mapper of the reports and of the records the index keeps, and its indented writer
 * for the reports people read: one configuration, and each type's serializer built once per
 * process. Thread-safe.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {}

  /**
   * Builds the serializers of what a sync writes at its end (its report, the suites' statuses) and
   * runs each once on a value with nothing in it, so that the reflection behind them is set up too:
   * about 0.1 s on a cold JVM, which a sync pays on a thread of its own while it waits on the
   * network rather than after its last file.
   */
  public static void prepareSyncOutputs() throws IOException {
    SyncReport nothing =
        new SyncReport(
            new SyncReport.Run("", "", "", "", null, Map.of(), List.of()),
            List.of(SyncReport.SuiteReport.early("", SuiteOutcome.UNCHANGED, null, List.of())),
            new SyncReport.Totals(0, 0, 0, 0, 0, 0),
            new SyncReport.Findings(List.of(), List.of(), List.of(), 0),
            null,
            new SyncReport.Ending(RunOutcome.OK, null, null));
    SyncReport.writer().writeValue(OutputStream.nullOutputStream(), nothing);
    SuiteStatus.parseAll(
        SuiteStatus.toJson(Map.of("", SuiteStatus.after(null, "", "", true, 0, 0, 0, 0))));
  }
}
