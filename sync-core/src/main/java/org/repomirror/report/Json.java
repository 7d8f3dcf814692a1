package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one JSON mapper of the reports and the records the index keeps: Jackson builds a type's
 * serializer once per mapper, by reflection, and a short run pays for each (a no-change sync writes
 * run records, suite statuses and its report). Thread-safe.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** Indented, for the reports people read. */
  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {}
}
