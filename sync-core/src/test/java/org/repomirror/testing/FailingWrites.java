package org.repomirror.testing;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Fails the n-th write (a put, a copy or a part) an S3 client makes, before it is sent, as a store
 * that is full would refuse it: the client's own seam, in front of a real store.
 */
public final class FailingWrites implements ExecutionInterceptor {
  private final AtomicInteger writes = new AtomicInteger();
  private final int failing;

  /**
   * @param failing the write that fails, counted from 1
   */
  public FailingWrites(int failing) {
    this.failing = failing;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest r = context.request();
    boolean write =
        r instanceof PutObjectRequest
            || r instanceof CopyObjectRequest
            || r instanceof UploadPartRequest;
    if (write && writes.incrementAndGet() == failing) {
      throw SdkClientException.create("No space left on device (a fault injected by the test)");
    }
  }
}
