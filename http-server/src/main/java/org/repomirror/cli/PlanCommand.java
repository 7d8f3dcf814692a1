package org.repomirror.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.repomirror.report.PlanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repomirror plan}: what a sync would do and how long it would take; transfers nothing. */
@Command(
    name = "plan",
    header = "Show what a sync would fetch and delete, and how long it would take.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Show what sync with the same options would fetch, delete and keep, per suite and in total, with an estimated duration from earlier runs' measured throughput (or a short probe when there is none). Only changed metadata is fetched; nothing is published. The estimate is kept, and the next sync's report sets it beside the real duration.",
      "",
      "Exit codes: 0 planned, 1 a suite cannot be planned (unreachable, malformed), 2 usage or config, 3 trust failure, 4 cannot open the mirror or another sync holds it."
    })
final class PlanCommand extends MirrorCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  // Sync's options that mean nothing to a plan, which fetches no package and publishes nothing:
  // accepted, so that the sync's own command line plans it, and left out of the help.

  @Option(names = "--policy", hidden = true)
  void policy(String value) {
    flags.policy = value;
  }

  @Option(names = "--allow-errors", hidden = true)
  void allowErrors(int value) {
    flags.allowErrors = value;
  }

  @Option(names = "--hostname", hidden = true)
  void hostname(String value) {
    flags.hostname = value;
  }

  @Override
  public Integer call() throws Exception {
    List<MirrorRun.Setup> runs;
    try {
      runs = prepareAll().runs();
    } catch (Usage e) {
      return usage(e);
    }
    Map<String, String> plans = new LinkedHashMap<>();
    AtomicBoolean first = new AtomicBoolean(true);
    int code =
        each(
            runs,
            (p, run) ->
                run.run(
                    p,
                    engine -> {
                      // The sync of the first mirror pays the JVM's start again; of the others, a
                      // sync --all pays nothing.
                      Duration startUp =
                          first.getAndSet(false)
                              ? Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime())
                              : Duration.ZERO;
                      PlanReport plan = engine.plan(startUp);
                      if (runs.size() > 1 && json) {
                        plans.put(p.name(), plan.json());
                      } else {
                        out().print(json ? plan.json() + "\n" : plan.summary());
                      }
                      // --report only: the file's report key is the sync's.
                      if (flags.report != null) Files.writeString(flags.report, plan.json());
                      return exit(p.name(), plan.outcome(), plan.reason());
                    }),
            !json);
    if (runs.size() > 1 && json) out().print(byMirror(plans));
    return code;
  }

  /** One JSON object holding each mirror's plan under its name. */
  private static String byMirror(Map<String, String> plans) {
    StringBuilder json = new StringBuilder("{");
    plans.forEach(
        (name, plan) -> {
          if (json.length() > 1) json.append(',');
          json.append('"').append(name).append("\":").append(plan);
        });
    return json.append("}\n").toString();
  }
}
