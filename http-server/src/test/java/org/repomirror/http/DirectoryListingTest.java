package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repomirror.store.ServedTree;

class DirectoryListingTest {
  @Test
  void sortsDirectoriesFirstAndEscapesNames() {
    String html =
        new String(
            DirectoryListing.render(
                "/pool/",
                List.of(
                    new ServedTree.Entry("b.deb", false, 42, 0),
                    new ServedTree.Entry("zdir", true, 0, 0),
                    new ServedTree.Entry("a <x>&\"y\".deb", false, 7, 86_400),
                    new ServedTree.Entry("libstdc++6 1.deb", false, 1, 0))),
            StandardCharsets.UTF_8);
    assertThat(html).contains("<a href=\"../\">");
    assertThat(html.indexOf("zdir/")).isLessThan(html.indexOf("a &lt;x&gt;"));
    assertThat(html.indexOf("a &lt;x&gt;")).isLessThan(html.indexOf("b.deb"));
    assertThat(html).contains("href=\"a%20%3Cx%3E%26%22y%22.deb\"");
    assertThat(html).contains("href=\"libstdc++6%201.deb\"");
    assertThat(html).contains("<td>1970-01-02 00:00</td><td>7</td>");
    assertThat(html).doesNotContain("<x>");
  }

  @Test
  void rootHasNoParentLink() {
    String html = new String(DirectoryListing.render("/", List.of()), StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("../");
  }
}
