package org.repomirror.plan;

import java.util.Optional;
import org.repomirror.index.FileRecord;

/** What the index knows of a path; a read view, so that planning writes nothing. */
@FunctionalInterface
public interface IndexView {
  Optional<FileRecord> file(String path);
}
