package org.repomirror.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * YAML a newcomer gets wrong, as the parser sees it: the whole problem, at the line and column
 * where it is. Before, the message kept the first line of the parser's context, a line early
 * ({@code typo3.yaml:5: while scanning a simple key}).
 */
class SyntaxErrorsTest {
  @Test
  void aMissingColonIsNamedAtItsLineAndColumn() {
    String yaml =
        """
        server:
          root: /srv/mirror
        sync:
          upstream: http://deb.debian.org/debian/
          connections: 8
          keyring /usr/share/keyrings/debian-archive-keyring.gpg
          policy: strict
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "typo3.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "typo3.yaml:6:3: could not find expected ':' (while scanning a simple key; noticed"
                + " at line 7, column 3)");
  }

  @Test
  void aTabIsNamedAtItsLineAndColumn() {
    String yaml = "server:\n  root: /srv/mirror\n\tlisten: 0.0.0.0:8080\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "typo6.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "typo6.yaml:3:1: found character '\\t(TAB)' that cannot start any token. (Do not"
                + " use \\t(TAB) for indentation) (while scanning for the next token)");
  }
}
