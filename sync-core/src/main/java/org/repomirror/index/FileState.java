package org.repomirror.index;

/**
 * Where a file of the mirror stands. Each state has a code written to disk; the codes never change,
 * whatever the order of the constants.
 */
public enum FileState {
  /** Verified and visible at its path. */
  PUBLISHED(0),
  /** Kept exactly as the upstream serves it although it does not match the upstream's index. */
  UPSTREAM_MISMATCH(1),
  /** Failed verification; held under {@code .repomirror/quarantine}, never published. */
  QUARANTINED(2),
  /** No longer wanted; deleted once its grace period is over. */
  PENDING_DELETE(3);

  private final int code;

  FileState(int code) {
    this.code = code;
  }

  /** The byte that stands for this state on disk. */
  public int code() {
    return code;
  }

  /**
   * @throws IllegalArgumentException for a code no state has
   */
  public static FileState ofCode(int code) {
    for (FileState s : values()) {
      if (s.code == code) return s;
    }
    throw new IllegalArgumentException("no file state has code " + code);
  }
}
