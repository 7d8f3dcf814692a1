package org.repomirror.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which kernels' syncfs the local tree trusts to flush a batch. */
class SyncfsTest {
  @Test
  void onlyALinuxFromFivePointEightOnReportsWriteBackErrors() {
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "6.18.44-fc-v1300")).isTrue();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "5.8.0")).isTrue();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "5.15.0-91-generic")).isTrue();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "10.0")).isTrue();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "5.7.19")).isFalse();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "4.19.0-26-amd64")).isFalse();
    assertThat(Syncfs.reportsWriteBackErrors("Linux", "garbled")).isFalse();
    assertThat(Syncfs.reportsWriteBackErrors("Mac OS X", "14.5")).isFalse();
  }
}
