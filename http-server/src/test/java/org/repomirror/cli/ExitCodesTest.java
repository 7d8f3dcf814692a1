package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.repomirror.report.RunOutcome;

/** Each outcome of a run has its own exit code, the one README and OPERATIONS document. */
class ExitCodesTest {
  @Test
  void eachOutcomeHasItsDocumentedCode() {
    Map<RunOutcome, Integer> codes =
        Arrays.stream(RunOutcome.values()).collect(Collectors.toMap(o -> o, ExitCodes::of));
    assertThat(codes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(RunOutcome.OK, 0, RunOutcome.PROBLEMS, 1, RunOutcome.TRUST_FAILURE, 3));
  }

  @Test
  void noTwoEndsShareACode() {
    int[] all = {
      ExitCodes.OK,
      ExitCodes.PROBLEMS,
      ExitCodes.USAGE,
      ExitCodes.TRUST,
      ExitCodes.ABORTED,
      ExitCodes.UPSTREAM_BUSY,
      ExitCodes.INTERRUPTED
    };
    assertThat(Arrays.stream(all).distinct().count()).isEqualTo(all.length);
    assertThat(ExitCodes.INTERRUPTED).as("as a shell reports SIGINT").isEqualTo(130);
  }
}
