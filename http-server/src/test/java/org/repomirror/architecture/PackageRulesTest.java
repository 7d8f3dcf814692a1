package org.repomirror.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package boundaries, checked on the compiled classes of every module. A rule that fails names
 * the class, the class it must not use, and the line.
 */
class PackageRulesTest {
  /** Every package of sync-core. */
  private static final String[] SYNC_CORE = {
    "org.repomirror.apt..",
    "org.repomirror.debian..",
    "org.repomirror.fs..",
    "org.repomirror.index..",
    "org.repomirror.plan..",
    "org.repomirror.publish..",
    "org.repomirror.report..",
    "org.repomirror.run..",
    "org.repomirror.sample..",
    "org.repomirror.source..",
    "org.repomirror.store..",
    "org.repomirror.sync..",
    "org.repomirror.transfer..",
    "org.repomirror.tree..",
    "org.repomirror.trust..",
    "org.repomirror.verify.."
  };

  /** What does input and output: storage, transport, the filesystem, the engine. */
  private static final String[] IO = {
    "org.repomirror.fs..",
    "org.repomirror.publish..",
    "org.repomirror.source..",
    "org.repomirror.sync..",
    "org.repomirror.transfer..",
    "org.repomirror.tree",
    "org.rocksdb..",
    "java.net..",
    "java.nio.file..",
    "java.nio.channels.."
  };

  /** The steps of a run, each in the package of its concept (DESIGN.md maps them). */
  private static final String[] STEPS = {
    "org.repomirror.apt..",
    "org.repomirror.transfer..",
    "org.repomirror.publish..",
    "org.repomirror.tree..",
    "org.repomirror.store.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // sync-core's test classes reach this module as a jar, which the option above misses
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.repomirror");
  }

  /** The port's read face, and the types it hands out. */
  private static final DescribedPredicate<JavaClass> THE_READ_PORT =
      DescribedPredicate.describe(
          "the read port store.ServedTree",
          c -> c.getName().matches("org\\.repomirror\\.store\\.ServedTree(\\$.*)?"));

  static ArchRule serverImportsNothingOfTheEngine() {
    return noClasses()
        .that()
        .resideInAnyPackage("org.repomirror.server..", "org.repomirror.http..")
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAnyPackage(SYNC_CORE).and(not(THE_READ_PORT)))
        .because(
            "the server serves a tree through the read port; it must run, and be read, without"
                + " the sync engine");
  }

  /** A call that finds a file by itself: a path made, resolved or walked, or a file listed. */
  private static boolean findsAFile(JavaAccess<?> access) {
    String owner = access.getTargetOwner().getName();
    String name = access.getName();
    return owner.equals("java.nio.file.Files")
        || owner.equals("java.nio.file.Paths")
        || (owner.equals("java.nio.file.Path")
            && Set.of("of", "resolve", "resolveSibling", "relativize", "toRealPath", "getParent")
                .contains(name))
        || (owner.equals("java.io.File") && name.equals("<init>"));
  }

  static ArchRule theServerReachesTheTreeOnlyThroughThePort(String... packages) {
    return noClasses()
        .that()
        .resideInAnyPackage(packages)
        .should(
            new ArchCondition<>("find a file by itself") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (JavaAccess<?> a : c.getAccessesFromSelf()) {
                  if (findsAFile(a)) {
                    events.add(SimpleConditionEvent.satisfied(a, a.getDescription()));
                  }
                }
              }
            })
        .because(
            "the server sends only what store.ServedTree resolved, so that another store fits"
                + " without touching it");
  }

  @Test
  void theServerReachesThePublishedTreeOnlyThroughThePort() {
    theServerReachesTheTreeOnlyThroughThePort("org.repomirror.server..", "org.repomirror.http..")
        .check(classes);
  }

  @Test
  void aServerThatFindsFilesByItselfIsNamed() {
    // The port's local implementation finds files itself: held to the rule, it must fail.
    EvaluationResult r =
        theServerReachesTheTreeOnlyThroughThePort("org.repomirror.store..").evaluate(classes);
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("LocalServedTree") && line.contains("Path.resolve"));
  }

  static ArchRule thePlannerDoesNoIo() {
    return noClasses()
        .that()
        .resideInAPackage("org.repomirror.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(IO)
        .orShould()
        .dependOnClassesThat()
        .haveSimpleName("RocksIndex")
        .because("planning is a pure function of views of the index and the disk");
  }

  /** A call or reference that reads the time itself: the time of day, or a stopwatch. */
  private static boolean readsTheClock(JavaAccess<?> access) {
    String owner = access.getTargetOwner().getName();
    String name = access.getName();
    return (owner.equals("java.lang.System")
            && (name.equals("currentTimeMillis") || name.equals("nanoTime")))
        || (owner.startsWith("java.time.") && (name.equals("now") || name.startsWith("system")))
        || (owner.equals("org.repomirror.run.Ticker") && name.equals("SYSTEM"));
  }

  private static ArchCondition<JavaClass> readTheClock(Predicate<JavaAccess<?>> reads) {
    return new ArchCondition<>("read the clock") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (JavaAccess<?> a : c.getAccessesFromSelf()) {
          if (reads.test(a)) events.add(SimpleConditionEvent.satisfied(a, a.getDescription()));
        }
      }
    };
  }

  static ArchRule theStepsAndThePlannerReadNoClock() {
    List<String> packages = new ArrayList<>(List.of(STEPS));
    packages.add("org.repomirror.plan..");
    return noClasses()
        .that()
        .resideInAnyPackage(packages.toArray(String[]::new))
        .should(readTheClock(PackageRulesTest::readsTheClock))
        .because(
            "time comes as an argument, a Clock for the time of day and a Ticker for durations,"
                + " so that tests set both");
  }

  @Test
  void stepsAndThePlannerReadNoClock() {
    theStepsAndThePlannerReadNoClock().check(classes);
  }

  @Test
  void syncCoreReadsTheTimeOfDayOnlyFromAClock() {
    noClasses()
        .that()
        .resideInAnyPackage(SYNC_CORE)
        .and()
        .doNotHaveFullyQualifiedName("org.repomirror.run.Ticker")
        .should(
            readTheClock(
                a ->
                    readsTheClock(a)
                        && !a.getName().startsWith("system")
                        && !a.getName().equals("SYSTEM")))
        .because("the clock is an argument everywhere in sync-core; nanoTime is read by Ticker")
        .check(classes);
  }

  @Test
  void theStepsDoNotImportTheReport() {
    noClasses()
        .that()
        .resideInAnyPackage(STEPS)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.repomirror.report..")
        .because(
            "the report is made once, at the end of a run, from the ledger and the steps' values")
        .check(classes);
  }

  @Test
  void theStepsReachThePublishedTreeOnlyThroughThePort() {
    List<String> packages = new ArrayList<>(List.of(STEPS));
    packages.add("org.repomirror.plan..");
    noClasses()
        .that()
        .resideInAnyPackage(packages.toArray(String[]::new))
        .and()
        .resideOutsideOfPackage("org.repomirror.store..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.repomirror.store.LocalTree")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.repomirror.store.Generations")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.repomirror.fs.FileStore")
        .because(
            "the steps read, place, switch and delete through PublishedTree, so that another store"
                + " fits without touching them")
        .check(classes);
  }

  @Test
  void aStepThatReadsTheClockIsNamed() {
    // Held to the steps' rule, the runner breaks it: it must fail, naming the class and the call.
    EvaluationResult r =
        noClasses()
            .that()
            .resideInAPackage("org.repomirror.verify..")
            .should(readTheClock(PackageRulesTest::readsTheClock))
            .evaluate(classes);
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("TreeVerifier") && line.contains("Ticker.SYSTEM"));
  }

  @Test
  void theServerImportsNothingOfTheEngine() {
    serverImportsNothingOfTheEngine().check(classes);
  }

  @Test
  void thePlannerImportsNoIo() {
    thePlannerDoesNoIo().check(classes);
  }

  @Test
  void parsersImportNoStorageOrTransport() {
    noClasses()
        .that()
        .resideInAnyPackage("org.repomirror.debian..", "org.repomirror.tree.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(IO)
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("org.repomirror.index..")
        .because("parsers read streams handed to them and nothing else")
        .check(classes);
  }

  @Test
  void rocksDbTypesNeverLeaveTheIndex() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.repomirror.index..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.rocksdb..")
        .because("the index is the one place that knows its store")
        .check(classes);
  }

  @Test
  void aBrokenRuleNamesTheClassAndWhatItUses() {
    // The engine does I/O: held to the planner's rule, it must fail, naming class and import.
    EvaluationResult r =
        noClasses()
            .that()
            .resideInAPackage("org.repomirror.sync..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(IO)
            .evaluate(classes);
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().getDetails())
        .anyMatch(
            line ->
                line.contains("org.repomirror.sync.SyncEngine")
                    && line.contains("java.nio.file.")
                    && line.contains("SyncEngine.java:"));
  }
}
