package org.repomirror.run;

/**
 * One file that could not be mirrored as signed.
 *
 * @param expectedSize -1 when no size was known
 * @param actualSize -1 when nothing was received
 * @param actualHash the received bytes' checksum in the algorithm of the expected one, or null
 */
public record Failure(
    String path,
    String url,
    long expectedSize,
    String expectedHash,
    long actualSize,
    String actualHash,
    String reason,
    FileAction action) {}
