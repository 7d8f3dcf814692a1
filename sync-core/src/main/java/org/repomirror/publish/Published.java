package org.repomirror.publish;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.Wanting;
import org.repomirror.run.Failure;

/**
 * The last step of an apt sync: how each suite ended. Immutable.
 *
 * @param suites each suite, in the order of the run
 * @param failures each pool file a suite that went on wanted and could not have as signed, by path
 */
public record Published(List<Suite> suites, Map<String, Failure> failures) {
  public Published {
    suites = List.copyOf(suites);
    failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
  }

  /**
   * One suite's end.
   *
   * @param reason why it is not as it should be; null when it is
   * @param unusable the files it wants that could not be had as signed (published without them,
   *     when the allowed errors permit)
   */
  public record Suite(
      Wanting.Suite wanting, SuiteOutcome outcome, String reason, Set<String> unusable) {
    public Suite {
      unusable = Set.copyOf(unusable);
    }
  }
}
