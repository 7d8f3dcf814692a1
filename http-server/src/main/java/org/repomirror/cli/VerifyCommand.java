package org.repomirror.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import org.repomirror.verify.TreeVerifier;
import org.repomirror.verify.VerifyReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repomirror verify}: proves the mirror on disk is what was verified and recorded. */
@Command(
    name = "verify",
    header = "Prove the mirror on disk intact, down to each suite's signature.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Compare the mirror on disk with its index (size and mtime; every byte with --full), list files nobody recorded, and check each suite's chain signature -> Release -> indexes -> files. Lists every mismatched, missing and unexpected file.",
      "",
      "Exit codes: 0 intact, 1 problems found, 2 usage, 4 cannot read the index."
    })
final class VerifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", required = true, description = "The mirror.")
  Path root;

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
    if (!Files.isDirectory(root)) return usage(root + " is not a directory");
    int n = threads != null ? threads : 2 * Runtime.getRuntime().availableProcessors();
    if (n < 1 || n > 256) return usage("--threads must be 1..256");
    ReleaseVerifier signatures = null;
    if (keyring != null) {
      try {
        signatures = new ReleaseVerifier(Keyring.load(keyring), allowLegacySignatures);
      } catch (IOException | TrustException e) {
        return usage("cannot read the keyring: " + e.getMessage());
      }
    }
    VerifyReport result;
    try (Index index = Index.openReadOnly(root.resolve(".repomirror/index"))) {
      result = new TreeVerifier(root, index, signatures, full, n).run();
    } catch (IndexException e) {
      spec.commandLine().getErr().println("verify: " + e.getMessage());
      return ExitCodes.ABORTED;
    }
    spec.commandLine().getOut().print(result.summary());
    if (report != null) result.writeJson(report);
    return result.clean() ? 0 : 1;
  }

  private int usage(String reason) {
    spec.commandLine().getErr().println("verify: " + reason);
    return ExitCodes.USAGE;
  }
}
