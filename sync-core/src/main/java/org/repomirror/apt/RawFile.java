package org.repomirror.apt;

import java.util.Optional;

/**
 * A Release file fetched into memory: InRelease, Release or Release.gpg.
 *
 * @param path relative to the upstream root
 * @param mtimeMillis the upstream's Last-Modified, when it gave one
 */
public record RawFile(String path, byte[] bytes, Optional<Long> mtimeMillis) {}
