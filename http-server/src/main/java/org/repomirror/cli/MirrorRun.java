package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.repomirror.config.StoreConfig;
import org.repomirror.config.SyncConfig;
import org.repomirror.fs.IoErrors;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.run.Ticker;
import org.repomirror.source.Http2Use;
import org.repomirror.source.HttpUpstream;
import org.repomirror.source.LocalUpstream;
import org.repomirror.source.Upstream;
import org.repomirror.source.rsync.RsyncUpstream;
import org.repomirror.store.s3.S3Store;
import org.repomirror.sync.MirrorBusyException;
import org.repomirror.sync.MirrorLayout;
import org.repomirror.sync.SyncEngine;
import org.repomirror.sync.SyncInterrupted;
import org.repomirror.sync.SyncOptions;
import org.repomirror.sync.UpstreamBusyException;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.AutoindexLister;
import org.repomirror.tree.DirectoryLister;
import org.repomirror.tree.ManifestFirstLister;
import org.repomirror.tree.ManifestLister;
import org.repomirror.tree.RsyncLister;
import org.repomirror.tree.TreeLister;
import org.repomirror.trust.ReleaseVerifier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One mirror's sync or plan: its index, upstream and progress display opened, a stop on SIGINT or
 * SIGTERM watched for, the job run, and every way it can end turned into an exit code and one line
 * on standard error.
 */
final class MirrorRun {
  /**
   * A checked run, ready to open.
   *
   * @param name the mirror's name in the config file's list, or null for the one mirror
   * @param config its settings, the command line's over the file's, checked
   * @param verifier checks Release signatures; null when they are not checked
   */
  record Setup(String name, SyncConfig config, ReleaseVerifier verifier, SyncOptions options) {
    Path mirror() {
      return config.root();
    }

    boolean local() {
      return "file".equals(config.upstream().getScheme());
    }
  }

  /** What to do with the engine once everything is open. */
  @FunctionalInterface
  interface Job {
    int run(SyncEngine engine) throws IOException, InterruptedException;
  }

  /**
   * How a run ended.
   *
   * @param busy another sync held the mirror
   * @param interrupted a signal stopped it: no run should follow
   */
  record Ended(int code, boolean busy, boolean interrupted) {}

  private final String name;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean pushed;
  private final boolean handed;

  /**
   * @param name how its lines begin: the command, and the mirror when it is one of a list
   * @param pushed whether it serves an upstream's push ({@code on-push}): a mirror another sync
   *     holds is then no failure, since the holder runs again for the push
   */
  MirrorRun(String name, PrintWriter out, PrintWriter err, boolean pushed) {
    this(name, out, err, pushed, false);
  }

  /**
   * @param handed whether a server runs it for the command that handed it over: its progress goes
   *     to that command too, every {@value #HANDED_PROGRESS_SECONDS} s
   */
  MirrorRun(String name, PrintWriter out, PrintWriter err, boolean pushed, boolean handed) {
    this.name = name;
    this.out = out;
    this.err = err;
    this.pushed = pushed;
    this.handed = handed;
  }

  static final int HANDED_PROGRESS_SECONDS = 5;

  Ended run(Setup p, Job job) throws InterruptedException {
    StopOnSignal signal = StopOnSignal.install();
    try {
      MirrorLayout layout = new MirrorLayout(p.mirror());
      Files.createDirectories(layout.state());
      refuseWhileRunning(p.mirror());
      StoreConfig store = p.config().store();
      layout.recordPublishedIn(store);
      // Made before the index is opened: an HTTP upstream connects meanwhile.
      Upstream source = upstream(p, layout);
      try (Index index = openIndex(layout);
          ConsoleProgress progress =
              handed
                  ? new ConsoleProgress(false, HANDED_PROGRESS_SECONDS, err)
                  : new ConsoleProgress(System.console() != null, 10);
          S3Client s3 = store != null ? S3Store.of(store).client() : null) {
        SyncEngine engine =
            new SyncEngine(
                p.mirror(), source, index, p.verifier(), p.options(), Clock.systemUTC(), progress);
        if (s3 != null)
          engine.publishInto(
              S3Store.of(store)
                  .tree(s3, layout.staging(), layout.state().resolve("bucket-catalog")));
        if (p.config().mode().equals("tree")) engine.mirrorTree(lister(source, p));
        signal.whenSignalled(engine::stop);
        return new Ended(job.run(engine), false, false);
      } finally {
        if (source instanceof HttpUpstream http) http.close();
        if (source instanceof RsyncUpstream rsync) rsync.close();
      }
    } catch (SyncInterrupted e) {
      err.println(name + ": interrupted: " + e.summary());
      return new Ended(ExitCodes.INTERRUPTED, false, true);
    } catch (Transfer.Stopped e) {
      err.println(name + ": interrupted; nothing was published");
      return new Ended(ExitCodes.INTERRUPTED, false, true);
    } catch (UpstreamBusyException e) {
      err.println(name + ": refused to start: " + e.getMessage());
      return new Ended(ExitCodes.UPSTREAM_BUSY, false, false);
    } catch (MirrorBusyException e) {
      if (pushed) {
        out.println(name + ": " + e.getMessage() + "; it runs again when done, for this push");
        return new Ended(ExitCodes.OK, true, false);
      }
      err.println(name + ": refused to start, nothing changed: " + e.getMessage());
      return new Ended(ExitCodes.ABORTED, true, false);
    } catch (IndexException e) {
      return aborted("the index: " + e.getMessage());
    } catch (IOException e) {
      return aborted(IoErrors.describe(e));
    } finally {
      signal.close();
    }
  }

  private Ended aborted(String reason) {
    err.println(name + ": aborted, the published tree is intact: " + reason);
    return new Ended(ExitCodes.ABORTED, false, false);
  }

  private static Upstream upstream(Setup p, MirrorLayout layout) {
    SyncConfig c = p.config();
    if (p.local()) return new LocalUpstream(Path.of(c.upstream()));
    if (RsyncUpstream.handles(c.upstream())) {
      // The published tree is the basis of rsync's delta for a file that changed, when it is on
      // this disk.
      return new RsyncUpstream(
          c.upstream(),
          layout.rsyncWork(),
          c.store() == null ? layout.root() : null,
          new RsyncUpstream.Settings(c.rsh(), c.timeout(), c.connections(), c.bwlimit().bytes()),
          Ticker.SYSTEM);
    }
    HttpUpstream http =
        new HttpUpstream(
            c.upstream(),
            c.timeout(),
            c.connections(),
            c.pipeline(),
            Http2Use.of(c.http2()),
            Clock.systemUTC());
    http.connectAhead();
    return http;
  }

  /** Says who holds a mirror, rather than that its index is locked, when a sync runs on it. */
  private static void refuseWhileRunning(Path mirror) throws MirrorBusyException {
    Optional<String> running = SyncEngine.running(mirror);
    if (running.isPresent()) {
      throw new MirrorBusyException("another sync holds " + mirror + " (" + running.get() + ")");
    }
  }

  /** The mirror's index, for writing; a sync that began a moment ago is named as busy. */
  private static Index openIndex(MirrorLayout layout) throws MirrorBusyException {
    try {
      return Index.open(layout.index());
    } catch (IndexException e) {
      refuseWhileRunning(layout.root());
      throw e;
    }
  }

  /**
   * How to list the upstream's tree: walk a directory, read a peer's manifest, crawl pages, ask
   * rsync.
   */
  private static TreeLister lister(Upstream source, Setup p) {
    int connections = p.config().connections();
    if (source instanceof LocalUpstream local) {
      return new DirectoryLister(local.root(), Math.max(4, connections), p.config().checksum());
    }
    if (source instanceof RsyncUpstream rsync) {
      return switch (p.config().treeSource()) {
        case "manifest" -> new ManifestLister(source);
        case "rsync" -> new RsyncLister(rsync);
        default -> new ManifestFirstLister(new ManifestLister(source), new RsyncLister(rsync));
      };
    }
    // A page per connection at a time: crawling with the pipelines' depth was no faster across the
    // link, where deciding the entries took the time, and slower on loopback (BENCHMARKS.md).
    return switch (p.config().treeSource()) {
      case "manifest" -> new ManifestLister(source);
      case "autoindex" -> new AutoindexLister(source, connections);
      default ->
          new ManifestFirstLister(
              new ManifestLister(source), new AutoindexLister(source, connections));
    };
  }
}
