package org.repomirror.report;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the index keeps of one run, for {@code status} and a plan's rates: a JSON object of flat
 * fields, written and read field by field, so that the records of earlier versions (an {@code
 * exitCode} where the outcome now is) still read, and earlier versions read these. Immutable.
 *
 * @param outcome as reports name it: {@code ok}, {@code problems}, {@code interrupted}...
 * @param mode {@code apt} or {@code tree}
 * @param phaseMillis each phase's wall time, by its name
 * @param kept what an interrupted run left in staging for the next; empty for a run that ended
 */
public record RunRecord(
    Period period,
    String upstream,
    String mode,
    String outcome,
    Counts counts,
    Map<String, Long> phaseMillis,
    Optional<Kept> kept) {

  /** When it ran, as ISO-8601 instants. */
  public record Period(String started, String finished) {
    /** How long it took; zero when the times do not read. */
    public Duration length() {
      try {
        return Duration.between(Instant.parse(started), Instant.parse(finished));
      } catch (DateTimeParseException | NullPointerException e) {
        return Duration.ZERO;
      }
    }
  }

  /**
   * What it did to files.
   *
   * @param failed files that failed their checksum or could not be fetched (in records of earlier
   *     versions, the missing ones too)
   * @param missing files the upstream did not have
   */
  public record Counts(long fetched, long failed, long missing, long deleted, long bytesFetched) {}

  /** Verified files and partial downloads an interrupted run left in staging. */
  public record Kept(long files, long partialFiles, long bytes) {}

  public static final String INTERRUPTED = "interrupted";

  public RunRecord {
    phaseMillis = Map.copyOf(phaseMillis);
  }

  /** The flat JSON object the index keeps, and {@code status --json} shows. */
  @JsonValue
  public ObjectNode json() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("started", period.started());
    o.put("finished", period.finished());
    o.put("upstream", upstream);
    o.put("mode", mode);
    o.put("outcome", outcome);
    o.put("filesFetched", counts.fetched());
    o.put("filesFailed", counts.failed());
    o.put("filesMissing", counts.missing());
    o.put("filesDeleted", counts.deleted());
    o.put("bytesFetched", counts.bytesFetched());
    ObjectNode phases = o.putObject("phaseMillis");
    phaseMillis.forEach(phases::put);
    kept.ifPresent(
        k -> {
          o.put("keptFiles", k.files());
          o.put("keptPartialFiles", k.partialFiles());
          o.put("keptBytes", k.bytes());
        });
    return o;
  }

  public String toJson() {
    return json().toString();
  }

  /**
   * Reads a record as any version wrote it; a field it lacks reads as nothing.
   *
   * @throws JsonProcessingException when the text is not a JSON object
   */
  public static RunRecord parse(String text) throws JsonProcessingException {
    JsonNode r = Json.MAPPER.readTree(text);
    Map<String, Long> phases = new LinkedHashMap<>();
    r.path("phaseMillis").properties().forEach(e -> phases.put(e.getKey(), e.getValue().asLong()));
    // Records made before outcomes were typed carry their exit code instead.
    String outcome =
        r.has("outcome") ? r.path("outcome").asText() : "exit " + r.path("exitCode").asText("?");
    Optional<Kept> kept =
        r.has("keptFiles")
            ? Optional.of(
                new Kept(
                    r.path("keptFiles").asLong(),
                    r.path("keptPartialFiles").asLong(),
                    r.path("keptBytes").asLong()))
            : Optional.empty();
    return new RunRecord(
        new Period(r.path("started").asText(null), r.path("finished").asText(null)),
        r.path("upstream").asText(null),
        r.path("mode").asText(null),
        outcome,
        new Counts(
            r.path("filesFetched").asLong(),
            r.path("filesFailed").asLong(),
            r.path("filesMissing").asLong(),
            r.path("filesDeleted").asLong(),
            r.path("bytesFetched").asLong()),
        phases,
        kept);
  }

  /** A phase's time, zero when it did not run. */
  public long millis(String phase) {
    return phaseMillis.getOrDefault(phase, 0L);
  }
}
