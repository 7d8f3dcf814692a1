package org.repomirror.transfer;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.repomirror.source.LocalWriteException;

/**
 * Writes a staging file under the bandwidth limit; a failure to write is a {@link
 * LocalWriteException}, which no upstream takes for its own. It does not fsync: the publisher does,
 * just before the rename, by when the kernel has mostly written the data back on its own; waiting
 * for the disk after each download would serialise the transfer behind it. Not thread-safe.
 */
final class StagingOutputStream extends FilterOutputStream {
  private final FileOutputStream file;
  private final Throttle throttle;

  StagingOutputStream(FileOutputStream file, Throttle throttle) {
    super(file);
    this.file = file;
    this.throttle = throttle;
  }

  @Override
  public void write(int b) throws IOException {
    pace(1);
    try {
      file.write(b);
    } catch (IOException e) {
      throw new LocalWriteException(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    pace(len);
    try {
      file.write(b, off, len);
    } catch (IOException e) {
      throw new LocalWriteException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } catch (IOException e) {
      throw new LocalWriteException(e);
    }
  }

  private void pace(int bytes) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("the transfer was stopped");
    }
    try {
      throttle.acquire(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while throttled");
    }
  }
}
