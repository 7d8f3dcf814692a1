package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.repomirror.http.Validators.Precondition.FAILED;
import static org.repomirror.http.Validators.Precondition.NOT_MODIFIED;
import static org.repomirror.http.Validators.Precondition.PROCEED;

import org.junit.jupiter.api.Test;

class ValidatorsTest {
  private static final long MTIME = 1_764_151_200L; // Wed, 26 Nov 2025 10:00:00 GMT
  private static final String ETAG = Validators.etag(1234, MTIME);
  private static final String LAST_MODIFIED = HttpDates.format(MTIME);

  @Test
  void etagIsStrongAndDependsOnlyOnSizeAndMtime() {
    assertThat(ETAG).isEqualTo("\"" + Long.toHexString(MTIME) + "-4d2\"");
    assertThat(Validators.etag(1234, MTIME)).isEqualTo(ETAG);
    assertThat(Validators.etag(1235, MTIME)).isNotEqualTo(ETAG);
    assertThat(Validators.etag(1234, MTIME + 1)).isNotEqualTo(ETAG);
  }

  /**
   * As nginx's default {@code if_modified_since exact}: only the file's own Last-Modified gets a
   * 304. A client that holds a later version (a generation newer than the one it is answered from)
   * must get the file, or apt keeps a Release that the next Release.gpg does not sign.
   */
  @Test
  void ifModifiedSinceMatchesOnlyTheExactLastModified() {
    assertThat(eval(null, null, null, LAST_MODIFIED)).isEqualTo(NOT_MODIFIED);
    assertThat(eval(null, null, null, HttpDates.format(MTIME + 60))).isEqualTo(PROCEED);
    assertThat(eval(null, null, null, HttpDates.format(MTIME - 1))).isEqualTo(PROCEED);
    assertThat(eval(null, null, null, "garbage")).isEqualTo(PROCEED);
  }

  @Test
  void ifNoneMatchWinsOverIfModifiedSince() {
    assertThat(eval(null, null, ETAG, HttpDates.format(MTIME - 100))).isEqualTo(NOT_MODIFIED);
    assertThat(eval(null, null, "\"other\"", LAST_MODIFIED)).isEqualTo(PROCEED);
    assertThat(eval(null, null, "W/" + ETAG, null)).isEqualTo(NOT_MODIFIED);
    assertThat(eval(null, null, "\"a\", " + ETAG, null)).isEqualTo(NOT_MODIFIED);
    assertThat(eval(null, null, "*", null)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifMatchAndIfUnmodifiedSince() {
    assertThat(eval(ETAG, null, null, null)).isEqualTo(PROCEED);
    assertThat(eval("\"x\"", null, null, null)).isEqualTo(FAILED);
    assertThat(eval("W/" + ETAG, null, null, null)).isEqualTo(FAILED);
    assertThat(eval(null, HttpDates.format(MTIME - 1), null, null)).isEqualTo(FAILED);
    assertThat(eval(null, LAST_MODIFIED, null, null)).isEqualTo(PROCEED);
  }

  @Test
  void ifRangeByDateMustMatchExactly() {
    assertThat(Validators.rangeApplies(null, ETAG, MTIME)).isTrue();
    assertThat(Validators.rangeApplies(LAST_MODIFIED, ETAG, MTIME)).isTrue();
    assertThat(Validators.rangeApplies(HttpDates.format(MTIME + 1), ETAG, MTIME)).isFalse();
    assertThat(Validators.rangeApplies(HttpDates.format(MTIME - 1), ETAG, MTIME)).isFalse();
    assertThat(Validators.rangeApplies("not a date", ETAG, MTIME)).isFalse();
  }

  @Test
  void ifRangeByEtagIsStrong() {
    assertThat(Validators.rangeApplies(ETAG, ETAG, MTIME)).isTrue();
    assertThat(Validators.rangeApplies("W/" + ETAG, ETAG, MTIME)).isFalse();
    assertThat(Validators.rangeApplies("\"other\"", ETAG, MTIME)).isFalse();
  }

  private static Validators.Precondition eval(String im, String ius, String inm, String ims) {
    return Validators.evaluate(im, ius, inm, ims, ETAG, MTIME);
  }
}
