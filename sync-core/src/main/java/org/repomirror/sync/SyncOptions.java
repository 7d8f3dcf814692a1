package org.repomirror.sync;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.config.SyncConfig;
import org.repomirror.run.Ticker;
import org.repomirror.transfer.Throttle;
import org.repomirror.transfer.Transfer;

/**
 * What one sync run mirrors and how.
 *
 * @param dists dists folders relative to the upstream root, e.g. {@code
 *     extras-devel/dists/fremantle}; the archive base is the part before {@code dists/}
 * @param selection which of the files a Release lists are mirrored: components, architectures,
 *     binaries and sources, installer images
 * @param verifySignatures false only under {@code --no-verify-signature}
 * @param allowErrors how many bad or missing files a suite may have and still be published
 * @param deleteGrace how long a file no suite references any more stays before it is deleted
 * @param maxDelete more deletions due than this in one run is taken for a broken upstream, and
 *     nothing is deleted
 * @param hostname names this mirror's trace file, {@code project/trace/<hostname>}
 */
public record SyncOptions(
    List<String> dists,
    SuiteSelection selection,
    boolean verifySignatures,
    int allowErrors,
    Duration deleteGrace,
    int maxDelete,
    Transfer.Settings transfer,
    String hostname) {
  public SyncOptions {
    dists = List.copyOf(dists);
  }

  /** Options with this machine's host name for the trace file. */
  public SyncOptions(
      List<String> dists,
      SuiteSelection selection,
      boolean verifySignatures,
      int allowErrors,
      Duration deleteGrace,
      int maxDelete,
      Transfer.Settings transfer) {
    this(
        dists,
        selection,
        verifySignatures,
        allowErrors,
        deleteGrace,
        maxDelete,
        transfer,
        localHostname());
  }

  /** The options of a run with these settings: the engine's view of a checked configuration. */
  public static SyncOptions of(SyncConfig c) {
    return new SyncOptions(
        c.dists(),
        new SuiteSelection(
            new LinkedHashSet<>(c.components()),
            new LinkedHashSet<>(c.architectures()),
            c.binaries(),
            c.sources(),
            c.installer(),
            new LinkedHashSet<>(c.installerVersions())),
        c.verifiesSignatures(),
        c.allowErrors(),
        c.deleteGrace(),
        c.maxDelete(),
        new Transfer.Settings(
            c.connections(),
            c.retries(),
            c.retryBackoff(),
            c.maxRetryAfter(),
            new Throttle(c.bwlimit().bytes(), Ticker.SYSTEM),
            c.policy().equals("strict")
                ? Transfer.MismatchPolicy.STRICT
                : Transfer.MismatchPolicy.MIRROR_AS_IS),
        c.hostname() != null ? c.hostname() : localHostname());
  }

  /** The host name, as {@code hostname} prints it, or "localhost" when it cannot be found. */
  public static String localHostname() {
    try {
      String name = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
      if (!name.isEmpty() && !name.contains("/")) return name;
    } catch (java.io.IOException | RuntimeException e) {
      // fall through
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
