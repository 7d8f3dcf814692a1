package org.repomirror.transfer;

import org.repomirror.debian.ExpectedFile;

/**
 * One file to fetch and verify.
 *
 * @param upstreamPath where it is, relative to the upstream root
 * @param localPath where it goes, relative to the mirror root
 * @param expected its size and checksums from signed metadata
 */
public record FetchTask(String upstreamPath, String localPath, ExpectedFile expected) {}
