package org.repomirror.config;

/**
 * Thrown by record constructors and value parsers when one value is out of range or malformed. The
 * loader adds the source file, the line and the full key path.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key the YAML key of the bad value, relative to its enclosing mapping, or null when the
   *     caller does not know it
   */
  public InvalidValueException(String key, String reason) {
    super(reason);
    this.key = key;
  }

  /** The key relative to its enclosing mapping, or null. */
  public String key() {
    return key;
  }
}
