package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HandoffProtocolTest {

  @Test
  void aRequestRoundTripsWithItsCredentialsAsDigestsOnly() throws Exception {
    HandoffProtocol.Request sent =
        new HandoffProtocol.Request(
            Path.of("/home/admin/ä folder"),
            List.of("sync", "--root", "mirror", "--upstream", "rsync://host/m+ö/"),
            HandoffProtocol.credentials(
                Map.of("RSYNC_PASSWORD", "s3cret", "HOME", "/root", "PATH", "/bin")));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HandoffProtocol.writeRequest(new DataOutputStream(bytes), sent);

    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("s3cret");
    HandoffProtocol.Request read =
        HandoffProtocol.readRequest(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(read).isEqualTo(sent);
    assertThat(read.credentials()).containsOnlyKeys("RSYNC_PASSWORD");
  }

  @Test
  void aServerDeclinesOnlyACredentialItLacksOrHasOtherwise() {
    HandoffProtocol.Request request =
        new HandoffProtocol.Request(
            Path.of("/"),
            List.of("sync"),
            HandoffProtocol.credentials(Map.of("RSYNC_PASSWORD", "s3cret")));

    assertThat(HandoffProtocol.mismatch(request, Map.of("RSYNC_PASSWORD", "s3cret"))).isEmpty();
    assertThat(HandoffProtocol.mismatch(request, Map.of("RSYNC_PASSWORD", "other")))
        .contains("RSYNC_PASSWORD differs from the server's");
    assertThat(HandoffProtocol.mismatch(request, Map.of())).isPresent();
    HandoffProtocol.Request none =
        new HandoffProtocol.Request(Path.of("/"), List.of("sync"), Map.of());
    assertThat(HandoffProtocol.mismatch(none, Map.of("AWS_PROFILE", "mirror")))
        .as("the server's own credentials serve a command that sets none")
        .isEmpty();
  }

  @Test
  void theAnswerRelaysTextToEachOutputAndEndsWithTheExitCode() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    HandoffProtocol.writeText(out, HandoffProtocol.ERR, "sync: handed ✓\n");
    HandoffProtocol.writeText(out, HandoffProtocol.OUT, "total: 3 fetched\n");
    HandoffProtocol.writeExit(out, 4);
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();

    OptionalInt code =
        HandoffProtocol.relay(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            new PrintWriter(stdout),
            new PrintWriter(stderr));

    assertThat(code).hasValue(4);
    assertThat(stdout).hasToString("total: 3 fetched\n");
    assertThat(stderr).hasToString("sync: handed ✓\n");

    ByteArrayOutputStream declined = new ByteArrayOutputStream();
    HandoffProtocol.writeDeclined(new DataOutputStream(declined), "RSYNC_PASSWORD differs");
    assertThat(
            HandoffProtocol.relay(
                new DataInputStream(new ByteArrayInputStream(declined.toByteArray())),
                new PrintWriter(stdout),
                new PrintWriter(stderr)))
        .isEmpty();
  }
}
