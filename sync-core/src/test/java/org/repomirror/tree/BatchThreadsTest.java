package org.repomirror.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchThreadsTest {
  @Test
  void everyItemIsWorkedOnOnce() throws Exception {
    Map<Integer, Integer> seen = new ConcurrentHashMap<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (BatchThreads<Integer> fan =
        new BatchThreads<>(
            "test-fan",
            3,
            batch -> {
              threads.add(Thread.currentThread().getName());
              batch.forEach(i -> seen.merge(i, 1, Integer::sum));
            })) {
      for (int i = 0; i < 10_001; i++) fan.add(i);
      fan.finish();
    }
    assertThat(seen).hasSize(10_001);
    assertThat(seen.values()).containsOnly(1);
    assertThat(threads).allMatch(name -> name.startsWith("test-fan "));
  }

  @Test
  void theFirstFailureIsThrownAndLaterBatchesAreDropped() throws Exception {
    AtomicInteger worked = new AtomicInteger();
    try (BatchThreads<Integer> fan =
        new BatchThreads<>(
            "test-fail",
            1,
            batch -> {
              if (worked.incrementAndGet() == 2) throw new IOException("batch 2 failed");
            })) {
      for (int i = 0; i < 512 * 5 && !fan.failed(); i++) fan.add(i);
      for (int i = 0; i < 50 && !fan.failed(); i++) Thread.sleep(20);
      assertThat(fan.failed()).isTrue();
      for (int i = 0; i < 512 * 5; i++) fan.add(i);
      assertThatThrownBy(fan::finish).isInstanceOf(IOException.class).hasMessage("batch 2 failed");
    }
    assertThat(worked).as("no batch worked on after the failure").hasValue(2);
  }

  @Test
  void closingStopsWorkThatWaits() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    BatchThreads<Integer> fan =
        new BatchThreads<>(
            "test-close",
            2,
            batch -> {
              started.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                throw new IOException("interrupted");
              }
            });
    for (int i = 0; i < 512; i++) fan.add(i);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertTimeoutPreemptively(Duration.ofSeconds(10), fan::close);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("test-close "));
  }
}
