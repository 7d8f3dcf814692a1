package org.repomirror.index;

/** Where a file of the mirror stands. */
public enum FileState {
  /** Verified and visible at its path. */
  PUBLISHED,
  /** Kept exactly as the upstream serves it although it does not match the upstream's index. */
  UPSTREAM_MISMATCH,
  /** Failed verification; held under {@code .repomirror/quarantine}, never published. */
  QUARANTINED,
  /** No longer wanted; deleted once its grace period is over. */
  PENDING_DELETE
}
