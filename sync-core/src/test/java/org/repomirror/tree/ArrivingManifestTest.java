package org.repomirror.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.FormatException;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * A manifest read while it arrives: its bytes come in small parts from another thread, with pauses
 * where one gzip member ends and the next has not come yet, as they do over a slow link.
 */
class ArrivingManifestTest {
  private static final String URL = "http://peer/project/repomirror/manifest.gz";

  private static List<TreeEntry> entries(int n) {
    List<TreeEntry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String sha = "%064x".formatted(i * 7919L);
      entries.add(
          TreeEntry.file("pool/d" + i % 97 + "/f " + i + "%+~.deb", i, 1_700_000L + i, sha));
    }
    return entries;
  }

  /** The manifest's text, gzipped as {@code members} members, each a byte array. */
  private static List<byte[]> members(List<TreeEntry> entries, int members) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (Manifest.Writer w = new Manifest.Writer(text)) {
      for (TreeEntry e : entries) w.write(e);
    }
    byte[] all = text.toByteArray();
    List<byte[]> gz = new ArrayList<>();
    int step = all.length / members + 1;
    for (int from = 0; from < all.length; from += step) {
      ByteArrayOutputStream member = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(member)) {
        out.write(all, from, Math.min(step, all.length - from));
      }
      gz.add(member.toByteArray());
    }
    return gz;
  }

  /** Hands the members over in parts of 1,000 bytes, pausing 50 ms after each member. */
  private static Thread feed(ArrivingManifest manifest, List<byte[]> members, int upTo) {
    return Thread.ofPlatform()
        .start(
            () -> {
              int fed = 0;
              for (byte[] member : members) {
                for (int at = 0; at < member.length && fed < upTo; at += 1000) {
                  int n = Math.min(Math.min(1000, member.length - at), upTo - fed);
                  manifest.arrived(member, at, n);
                  fed += n;
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  private static int size(List<byte[]> members) {
    return members.stream().mapToInt(m -> m.length).sum();
  }

  @Test
  void everyEntryOfAManifestInManyMembersIsHandedOnOnce() throws Exception {
    List<TreeEntry> written = entries(20_000);
    List<byte[]> members = members(written, 5);
    Map<String, TreeEntry> read = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    try (ArrivingManifest manifest =
        new ArrivingManifest(
            URL,
            e -> {
              calls.incrementAndGet();
              read.put(e.path(), e);
            },
            2)) {
      feed(manifest, members, Integer.MAX_VALUE).join();
      manifest.finish();
    }
    assertThat(calls).as("each entry once").hasValue(20_000);
    Map<String, TreeEntry> expected = new HashMap<>();
    written.forEach(e -> expected.put(e.path(), e));
    assertThat(read).as("no member dropped where a pause ended it").isEqualTo(expected);
  }

  @Test
  void aManifestCutShortIsAnErrorNamingIt() throws Exception {
    List<byte[]> members = members(entries(20_000), 3);
    int half = size(members) / 2;
    List<TreeEntry> read = new ArrayList<>();
    try (ArrivingManifest manifest = new ArrivingManifest(URL, read::add, 1)) {
      feed(manifest, members, half).join();
      assertThatThrownBy(manifest::finish)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith(URL + ": not a whole gzip-compressed manifest");
    }
    assertThat(read).as("the lines before the break").hasSizeLessThan(20_000);
  }

  @Test
  void aMalformedLineIsAnErrorNamingItsNumber() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (Manifest.Writer w = new Manifest.Writer(text)) {
      for (TreeEntry e : entries(3_000)) w.write(e);
    }
    String[] lines = text.toString().split("\n", -1);
    lines[1301] = lines[1301].replaceFirst("^f\t\\d+\t", "f\tx\t"); // line 1302: its size
    String bad = String.join("\n", lines);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try (ArrivingManifest manifest = new ArrivingManifest(URL, e -> {}, 2)) {
      feed(manifest, List.of(gz.toByteArray()), Integer.MAX_VALUE).join();
      assertThatThrownBy(manifest::finish)
          .isInstanceOf(FormatException.class)
          .hasMessage(URL + ": line 1302: bad size 'x'");
    }
  }

  @Test
  void anEmptyBodyIsNoManifest() {
    try (ArrivingManifest manifest = new ArrivingManifest(URL, e -> {}, 2)) {
      assertThatThrownBy(manifest::finish)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith(URL + ": ");
    }
  }

  /** The fetch failed while the sink waited (the tree pass had stopped): closing ends it all. */
  @Test
  void closingStopsAReadingWhoseSinkWaits() throws Exception {
    List<byte[]> members = members(entries(20_000), 2);
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch waiting = new CountDownLatch(1);
    ArrivingManifest manifest =
        new ArrivingManifest(
            URL,
            e -> {
              waiting.countDown();
              try {
                never.await();
              } catch (InterruptedException x) {
                throw new UncheckedIOException(new InterruptedIOException("stopped"));
              }
            },
            2);
    feed(manifest, members, size(members) / 2).join();
    assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertTimeoutPreemptively(Duration.ofSeconds(10), manifest::close);
    List<String> left =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("manifest-") && t.getName().contains(URL))
            .map(Thread::getName)
            .toList();
    assertThat(left).as("threads of the reading still running").isEmpty();
  }
}
