package org.repomirror.tree;

/** An entry of the upstream's listing that the mirror does not hold, and why. */
public record NotMirrored(String path, String reason) {}
