package org.repomirror.tree.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.FormatException;

/** Pages in the exact shapes nginx, Apache and repomirror generate. */
class AutoindexParserTest {
  private static long utc(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void nginxAutoindex() throws FormatException {
    String page =
        """
        <html>
        <head><title>Index of /maemo/</title></head>
        <body>
        <h1>Index of /maemo/</h1><hr><pre><a href="../">../</a>
        <a href="pool/">pool/</a>                                              26-Nov-2026 12:00                   -
        <a href="libstdc%2B%2B6_1%3a1.0%2Bdfsg~1_amd64.deb">libstdc++6_1:1.0+dfsg~1_amd64.deb</a>            03-Feb-2010 09:41              204800
        <a href="content%20comparison.html">content comparison.html</a>                        01-Jan-2024 00:00                1234
        </pre><hr></body>
        </html>
        """;
    assertThat(AutoindexParser.parse(page))
        .containsExactly(
            new AutoindexParser.Row("pool", true, -1, utc("2026-11-26T12:00:00Z"), 60_000),
            new AutoindexParser.Row(
                "libstdc++6_1:1.0+dfsg~1_amd64.deb",
                false,
                204800,
                utc("2010-02-03T09:41:00Z"),
                60_000),
            new AutoindexParser.Row(
                "content comparison.html", false, 1234, utc("2024-01-01T00:00:00Z"), 60_000));
  }

  @Test
  void apacheFancyIndexWithIconLinksAndRoundedSizes() throws FormatException {
    String page =
        """
        <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
        <html><head><title>Index of /fremantle</title></head><body>
        <h1>Index of /fremantle</h1>
        <table><tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
        <tr><td valign="top"><a href="/"><img src="/icons/back.gif" alt="[PARENTDIR]"></a></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>
        <tr><td valign="top"><a href="sdk/"><img src="/icons/folder.gif" alt="[DIR]"></a></td><td><a href="sdk/">sdk/</a></td><td align="right">2009-10-05 14:22  </td><td align="right">  - </td></tr>
        <tr><td valign="top"><a href="notes%20v1.html"><img src="/icons/text.gif" alt="[TXT]"></a></td><td><a href="notes%20v1.html">notes v1.html</a></td><td align="right">2009-10-05 14:23  </td><td align="right">1.2K</td></tr>
        <tr><td valign="top"><a href="tiny"><img src="/icons/unknown.gif" alt="[   ]"></a></td><td><a href="tiny">tiny</a></td><td align="right">2009-10-05 14:24:07</td><td align="right">17</td></tr>
        </table></body></html>
        """;
    List<AutoindexParser.Row> rows = AutoindexParser.parse(page);
    assertThat(rows)
        .containsExactly(
            new AutoindexParser.Row("sdk", true, -1, utc("2009-10-05T14:22:00Z"), 60_000),
            new AutoindexParser.Row(
                "notes v1.html", false, -1, utc("2009-10-05T14:23:00Z"), 60_000),
            new AutoindexParser.Row("tiny", false, 17, utc("2009-10-05T14:24:07Z"), 1000));
  }

  @Test
  void aFileNamedLikeADateTakesTheDateOfItsRow() throws FormatException {
    String page =
        "<title>Index of /</title><a href=\"2001-01-01%2000:00\">2001-01-01 00:00</a>"
            + "   2020-05-06 07:08   42\n";
    assertThat(AutoindexParser.parse(page))
        .containsExactly(
            new AutoindexParser.Row(
                "2001-01-01 00:00", false, 42, utc("2020-05-06T07:08:00Z"), 60_000));
  }

  @Test
  void aPageThatIsNotAListingIsAClearError() {
    assertThatThrownBy(() -> AutoindexParser.parse("<html><body>Welcome to nginx!</body></html>"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("not a directory index");
    assertThatThrownBy(
            () -> AutoindexParser.parse("<h1>Index of /</h1><a href=\"x.deb\">x.deb</a> yesterday"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("'x.deb' has no date");
    assertThatThrownBy(
            () ->
                AutoindexParser.parse(
                    "<h1>Index of /</h1><a href=\"x%zz\">x</a> 2020-01-01 00:00 1"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad escape");
  }

  @Property(tries = 1000)
  void arbitraryTextGivesRowsOrAParseError(@ForAll String junk) {
    try {
      AutoindexParser.parse("Index of /\n<a href=\"" + junk + "\">" + junk);
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  /** Rows' dates, read by position, agree with java.time's reading for every minute. */
  @Property(tries = 2000)
  void everyMinuteReadsAsJavaTimeReadsIt(
      @ForAll @LongRange(min = 0, max = 253_402_300_799L) long second, @ForAll boolean nginx)
      throws FormatException {
    LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    String pattern = nginx ? "dd-MMM-yyyy HH:mm" : "yyyy-MM-dd HH:mm";
    String date = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(t);
    String page = "Index of /\n<a href=\"f\">f</a> " + date + " 17\n";
    long expected = t.withSecond(0).toInstant(ZoneOffset.UTC).toEpochMilli();
    assertThat(AutoindexParser.parse(page))
        .containsExactly(new AutoindexParser.Row("f", false, 17, expected, 60_000));
  }

  /** Dates out of range still go as java.time takes them: a day past the month's end is clamped. */
  @Test
  void datesOutOfRangeAreJudgedAsBefore() throws FormatException {
    assertThat(AutoindexParser.parse("Index of /\n<a href=\"f\">f</a> 30-Feb-2026 10:00 1\n"))
        .extracting(AutoindexParser.Row::mtimeMillis)
        .containsExactly(utc("2026-02-28T10:00:00Z"));
    assertThat(AutoindexParser.parse("Index of /\n<a href=\"f\">f</a> 2026-12-07 24:00 1\n"))
        .extracting(AutoindexParser.Row::mtimeMillis)
        .containsExactly(utc("2026-12-08T00:00:00Z"));
    assertThatThrownBy(
            () -> AutoindexParser.parse("Index of /\n<a href=\"f\">f</a> 07-dec-2026 10:00 1\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad date '07-dec-2026 10:00'");
    assertThatThrownBy(
            () -> AutoindexParser.parse("Index of /\n<a href=\"f\">f</a> 2026-13-07 10:00 1\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad date");
  }
}
