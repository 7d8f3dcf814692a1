package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sync flags as Debian's runmirrors sends them (archvsync's bin/runmirrors). */
class PushFlagsTest {
  @Test
  void theWordsAreTheUpstreamsThenTheForcedCommandsOwn() {
    assertThat(PushFlags.words("  sync:archive:debian   sync:all ", List.of("sync:mhop")))
        .containsExactly("sync:archive:debian", "sync:all", "sync:mhop");
    assertThat(PushFlags.words(null, List.of())).isEmpty();
    assertThat(PushFlags.words("", List.of("sync:all"))).containsExactly("sync:all");
  }

  @Test
  void runmirrorsPushesAreRead() {
    PushFlags oneStage = PushFlags.parse(List.of("sync:archive:security", "sync:all"));
    assertThat(oneStage.archives()).containsExactly("security");
    assertThat(oneStage.notes()).isEmpty();
    PushFlags main = PushFlags.parse(List.of("sync:archive:", "sync:callback", "sync:stage2"));
    assertThat(main.archives()).as("the main archive: every mirror").isEmpty();
    assertThat(main.notes()).hasSize(2);
    assertThat(PushFlags.parse(List.of()).archives()).isEmpty();
    assertThat(
            PushFlags.parse(List.of("sync:archive:a", "sync:archive:b", "sync:archive:a"))
                .archives())
        .containsExactly("a", "b");
  }

  @Test
  void anythingButSyncFlagsIsRefused() {
    assertThatThrownBy(() -> PushFlags.parse(List.of("sync:all", "rsync")))
        .hasMessageStartingWith("refused 'rsync': ");
    assertThatThrownBy(() -> PushFlags.parse(List.of("sync:archive")))
        .as("no colon after archive")
        .hasMessageStartingWith("refused 'sync:archive': ");
    assertThatThrownBy(() -> PushFlags.parse(Collections.nCopies(17, "sync:all")))
        .hasMessage("refused: more than 16 flags or 1000 characters");
    assertThatThrownBy(() -> PushFlags.parse(List.of("sync:archive:" + "x".repeat(1000))))
        .hasMessage("refused: more than 16 flags or 1000 characters");
  }
}
