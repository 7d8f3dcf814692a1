package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.run.Phase;

class RunLedgerTest {
  private static Failure failure(String path) {
    return new Failure(path, "u", 1, null, -1, null, "why", FileAction.MISSING);
  }

  @Test
  void aRerunForgetsThatPassesFailuresAndKeepsTheOthers() {
    RunLedger ledger = new RunLedger(false);
    ledger.fail(RunLedger.Scope.APT, failure("pool/a"));
    ledger.fail(RunLedger.Scope.TREE, failure("notes.txt"));
    ledger.warn("the Release changed");
    ledger.restart(RunLedger.Scope.APT);
    assertThat(ledger.failures()).extracting(Failure::path).containsExactly("notes.txt");
    assertThat(ledger.warnings()).containsExactly("the Release changed");
  }

  @Test
  void anOrdinaryRunListsTheFirstTenThousandChangesAndCountsTheRest() {
    RunLedger ordinary = new RunLedger(false);
    RunLedger last = new RunLedger(true);
    for (int i = 0; i < RunLedger.MAX_CHANGES_REPORTED + 5; i++) {
      ordinary.changed("p" + i, Change.Action.FETCHED);
      last.changed("p" + i, Change.Action.FETCHED);
    }
    assertThat(ordinary.changes()).hasSize(RunLedger.MAX_CHANGES_REPORTED);
    assertThat(ordinary.changesOmitted()).isEqualTo(5);
    assertThat(last.changes()).hasSize(RunLedger.MAX_CHANGES_REPORTED + 5);
    assertThat(last.changesOmitted()).isZero();
  }

  @Test
  void phasesAddUp() throws Exception {
    RunLedger ledger = new RunLedger(false);
    ledger.add(Phase.TRANSFER, 2000);
    ledger.add(Phase.TRANSFER, 1000);
    try (var t = ledger.time(Phase.LIST)) {
      Thread.sleep(20);
    }
    assertThat(ledger.phases().get("transfer")).isEqualTo(3000L);
    assertThat(ledger.phases().get("list")).as("a timing adds its time").isBetween(20L, 5000L);
  }
}
