package org.repomirror.debian;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The checksums known for one file, lowercase hex by algorithm. Immutable.
 *
 * @param values at least one checksum
 */
public record Hashes(Map<HashAlgorithm, String> values) {

  public Hashes {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no checksum");
    }
    EnumMap<HashAlgorithm, String> copy = new EnumMap<>(HashAlgorithm.class);
    values.forEach((a, hex) -> copy.put(a, hex.toLowerCase(Locale.ROOT)));
    values = Collections.unmodifiableMap(copy);
  }

  public static Hashes of(HashAlgorithm algorithm, String hex) {
    return new Hashes(Map.of(algorithm, hex));
  }

  /** The strongest algorithm present: SHA512 > SHA256 > SHA1 > MD5. */
  public HashAlgorithm strongest() {
    HashAlgorithm best = null;
    for (HashAlgorithm a : values.keySet()) {
      best = a; // EnumMap iterates weakest first
    }
    return best;
  }

  public Optional<String> get(HashAlgorithm algorithm) {
    return Optional.ofNullable(values.get(algorithm));
  }

  /** These hashes plus another's; a conflicting value for the same algorithm is an error. */
  public Hashes merge(Hashes other) {
    EnumMap<HashAlgorithm, String> all = new EnumMap<>(values);
    for (Map.Entry<HashAlgorithm, String> e : other.values.entrySet()) {
      String mine = all.putIfAbsent(e.getKey(), e.getValue());
      if (mine != null && !mine.equals(e.getValue())) {
        throw new IllegalArgumentException(
            "conflicting " + e.getKey() + ": " + mine + " and " + e.getValue());
      }
    }
    return new Hashes(all);
  }

  /**
   * Whether computed hashes agree with these on every algorithm both have, and share at least one.
   */
  public boolean matches(Hashes computed) {
    boolean any = false;
    for (Map.Entry<HashAlgorithm, String> e : values.entrySet()) {
      String other = computed.values.get(e.getKey());
      if (other != null) {
        if (!other.equals(e.getValue())) return false;
        any = true;
      }
    }
    return any;
  }
}
