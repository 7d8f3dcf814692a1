package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HandedSyncTest {

  @Test
  void theRelayTakesASyncThatNamesItsTreeAndNothingThatMustBeCheckedFirst() {
    assertThat(HandedSync.root(new String[] {"sync", "--root", "/srv/m", "--upstream", "u"}))
        .isEqualTo(Path.of("/srv/m"));
    assertThat(HandedSync.root(new String[] {"sync", "--upstream", "u", "--root=rel/m"}))
        .isEqualTo(Path.of("rel/m"));
    assertThat(HandedSync.root(new String[] {"sync", "--upstream", "u"})).as("no tree").isNull();
    assertThat(HandedSync.root(new String[] {"status", "--root", "/srv/m"})).isNull();
    for (String[] args :
        new String[][] {
          {"sync", "--root", "/srv/m", "--in-process"},
          {"sync", "--root", "/srv/m", "--at", "2030-01-01T00:00:00Z"},
          {"sync", "--root", "/srv/m", "--at=2030-01-01T00:00:00Z"},
          {"sync", "--root", "/srv/m", "--config", "c.yaml"},
          {"sync", "--config=c.yaml", "--root", "/srv/m"}
        }) {
      assertThat(HandedSync.root(args)).as(String.join(" ", args)).isNull();
    }
  }
}
