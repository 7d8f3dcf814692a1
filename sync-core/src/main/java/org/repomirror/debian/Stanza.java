package org.repomirror.debian;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One deb822 paragraph: fields in their original order, looked up case-insensitively as deb822
 * requires. A multi-line value keeps its lines, joined with {@code \n}, each continuation line
 * without its first whitespace character. Immutable.
 */
public final class Stanza {
  private final Map<String, String> byLowerName;
  private final List<String> names;
  private final long firstLine;

  Stanza(LinkedHashMap<String, String> fields, long firstLine) {
    this.byLowerName = new LinkedHashMap<>();
    this.names = new ArrayList<>(fields.size());
    for (Map.Entry<String, String> e : fields.entrySet()) {
      byLowerName.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
      names.add(e.getKey());
    }
    this.firstLine = firstLine;
  }

  /** The value of a field, or empty. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(byLowerName.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * The value of a field that must be there.
   *
   * @throws FormatException naming the field and the stanza's first line when it is missing
   */
  public String require(String name) throws FormatException {
    String v = byLowerName.get(name.toLowerCase(Locale.ROOT));
    if (v == null) {
      throw new FormatException("missing field " + name, firstLine);
    }
    return v;
  }

  /** The field names in their original spelling and order. */
  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  /** The 1-based line of the stanza's first field in its input. */
  public long firstLine() {
    return firstLine;
  }
}
