package org.repomirror.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the last sync that tried a suite (or the tree, named {@value #TREE}) left it, kept in the
 * index between runs for {@code /metrics} and the node_exporter text file.
 *
 * @param lastAttempt when that run finished (ISO-8601)
 * @param outcome the suite's outcome in it, as reports name it ({@code published}, {@code
 *     trust-failure}...)
 * @param ok whether that outcome leaves the suite as it should be (published, or unchanged)
 * @param lastSuccess when a run last finished with the suite as it should be, or null for never
 * @param seconds how long that run took
 * @param filesFetched the suite's files that run fetched
 * @param bytesFetched their bytes
 * @param failures its files that run could not fetch or verify
 */
record SuiteStatus(
    String lastAttempt,
    String outcome,
    boolean ok,
    String lastSuccess,
    double seconds,
    long filesFetched,
    long bytesFetched,
    long failures) {

  /** The index's meta key the statuses are kept under. */
  public static final String INDEX_KEY = "sync-status";

  /** The name the tree pass is kept under. */
  public static final String TREE = "tree";

  /** The statuses as the index keeps them (a JSON object by suite), or none. */
  public static Map<String, SuiteStatus> parseAll(String json) {
    if (json == null) return new TreeMap<>();
    try {
      return new TreeMap<>(
          Json.MAPPER.readValue(json, new TypeReference<Map<String, SuiteStatus>>() {}));
    } catch (JsonProcessingException e) {
      return new TreeMap<>(); // written by another version: the next run writes it anew
    }
  }

  public static String toJson(Map<String, SuiteStatus> statuses) {
    try {
      return Json.MAPPER.writeValueAsString(statuses);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This status after a run that tried the suite again. */
  public static SuiteStatus after(
      SuiteStatus before,
      String finished,
      String outcome,
      boolean ok,
      double seconds,
      long filesFetched,
      long bytesFetched,
      long failures) {
    String lastSuccess = ok ? finished : before == null ? null : before.lastSuccess();
    return new SuiteStatus(
        finished, outcome, ok, lastSuccess, seconds, filesFetched, bytesFetched, failures);
  }
}
