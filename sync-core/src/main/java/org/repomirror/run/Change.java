package org.repomirror.run;

import com.fasterxml.jackson.annotation.JsonValue;

/** A path this run changed. */
public record Change(String path, Action action) {
  /** What happened to it. */
  public enum Action {
    /** New or replaced. */
    FETCHED,
    DELETED;

    @JsonValue
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
