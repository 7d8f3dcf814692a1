package org.repomirror.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.repomirror.fs.IoErrors;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.sync.MirrorLayout;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import org.repomirror.verify.TreeVerifier;
import org.repomirror.verify.VerifyReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code repomirror verify}: proves the published tree, on disk or in a bucket, is what was
 * verified and recorded.
 */
@Command(
    name = "verify",
    header = "Prove the mirror intact, down to each suite's signature.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Compare the mirror's published tree (on disk, or in the object store it publishes into) with its index (size and mtime; every byte with --full), list files nobody recorded, and check each suite's chain signature -> Release -> indexes -> files. Lists every mismatched, missing and unexpected file.",
      "",
      "Exit codes: 0 intact, 1 damage found, 2 usage, 3 the files are intact but a suite's signature does not verify with the keyring given, 4 cannot read the index or the object store."
    })
final class VerifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "The mirror.")
  Path root;

  @CommandLine.Mixin ConfiguredMirrors.Options choice;

  @Option(names = "--full", description = "Re-hash every file, in parallel.")
  boolean full;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
  Path report;

  @Option(
      names = "--keyring",
      paramLabel = "FILE",
      description = "Check each suite's signature with this keyring too.")
  Path keyring;

  @Option(
      names = "--allow-legacy-signatures",
      description = "Accept DSA keys, SHA-1 and expired keys.")
  boolean allowLegacySignatures;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Files checked at once (default: 2 per core).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    int n = threads != null ? threads : 2 * Runtime.getRuntime().availableProcessors();
    if (n < 1 || n > 256) return usage("--threads must be 1..256");
    Map<String, Mirror> mirrors;
    try {
      mirrors = mirrors();
    } catch (ConfiguredMirrors.UsageException e) {
      return usage(e.getMessage());
    }
    if (mirrors.size() > 1 && report != null) {
      return usage("--report is one mirror's: give --mirror NAME, or leave it out");
    }
    int first = ExitCodes.OK;
    for (Map.Entry<String, Mirror> m : mirrors.entrySet()) {
      if (mirrors.size() > 1) {
        spec.commandLine()
            .getOut()
            .println("== mirror " + m.getKey() + ": " + m.getValue().root() + " ==");
      }
      int code = verify(m.getValue(), n);
      if (code != ExitCodes.OK && first == ExitCodes.OK) first = code;
    }
    return first;
  }

  /** A mirror to verify, and the keyring its signatures are checked with (null: not checked). */
  private record Mirror(Path root, Path keyring, boolean allowLegacy) {}

  /** The mirrors to verify, by name; a keyring given here wins over each mirror's. */
  private Map<String, Mirror> mirrors() throws ConfiguredMirrors.UsageException {
    Map<String, Mirror> chosen = new LinkedHashMap<>();
    if (root != null) {
      if (choice.configFile != null || choice.mirrorNames != null) {
        throw new ConfiguredMirrors.UsageException("give --root or --config, not both");
      }
      chosen.put(null, new Mirror(root, keyring, allowLegacySignatures));
      return chosen;
    }
    if (choice.configFile == null) {
      throw new ConfiguredMirrors.UsageException("--root DIR or --config FILE is required");
    }
    ConfiguredMirrors.choose(choice.configFile, choice.mirrorNames)
        .forEach(
            (name, c) ->
                chosen.put(
                    name,
                    new Mirror(
                        c.root(),
                        keyring != null ? keyring : c.keyring(),
                        allowLegacySignatures || c.allowLegacySignatures())));
    return chosen;
  }

  private int verify(Mirror m, int threads) throws IOException, InterruptedException {
    if (!Files.isDirectory(m.root())) return usage(m.root() + " is not a directory");
    ReleaseVerifier signatures = null;
    if (m.keyring() != null) {
      try {
        signatures = new ReleaseVerifier(Keyring.load(m.keyring()), m.allowLegacy());
      } catch (IOException e) {
        return usage("cannot read the keyring: " + IoErrors.describe(e));
      } catch (TrustException e) {
        return usage("cannot read the keyring: " + e.getMessage());
      }
    }
    VerifyReport result;
    try (Index index = Index.openReadOnly(new MirrorLayout(m.root()).index());
        OpenedTree tree = OpenedTree.of(m.root())) {
      try {
        result = new TreeVerifier(tree.files(), index, signatures, full, threads).run();
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println("verify: cannot read " + tree.files().where() + ": " + IoErrors.describe(e));
        return ExitCodes.ABORTED;
      }
    } catch (IndexException e) {
      spec.commandLine().getErr().println("verify: " + e.getMessage());
      return ExitCodes.ABORTED;
    } catch (IOException e) {
      spec.commandLine().getErr().println("verify: " + IoErrors.describe(e));
      return ExitCodes.ABORTED;
    }
    spec.commandLine().getOut().print(result.summary());
    if (report != null) result.writeJson(report);
    if (result.damaged()) return ExitCodes.PROBLEMS;
    return result.trusted() ? ExitCodes.OK : ExitCodes.TRUST;
  }

  private int usage(String reason) {
    spec.commandLine().getErr().println("verify: " + reason);
    return ExitCodes.USAGE;
  }
}
