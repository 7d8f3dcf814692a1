package org.repomirror.run;

import com.fasterxml.jackson.annotation.JsonValue;

/** What was done about a file that could not be mirrored as its metadata says. */
public enum FileAction {
  /** Its bytes failed their checksum twice: held in {@code .repomirror/quarantine}. */
  QUARANTINED("quarantined"),
  /** Kept as the upstream serves it although it does not match its index (mirror-as-is). */
  KEPT_AS_IS("kept as the upstream serves it (upstream-mismatch)"),
  /** Transient failures outlasted the retries. */
  GAVE_UP("gave up after retries"),
  /** The upstream answered 404 or 410 for a file its index lists. */
  MISSING("missing"),
  /** The upstream refused it (403 and the like). */
  REFUSED("refused");

  private final String label;

  FileAction(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
