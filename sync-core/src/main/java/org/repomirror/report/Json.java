package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one JSON mapper of the reports and of the records the index keeps, and its indented writer
 * for the reports people read: one configuration, and each type's serializer built once per
 * process. Thread-safe.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {}
}
