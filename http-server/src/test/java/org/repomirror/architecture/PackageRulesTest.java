package org.repomirror.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
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
    "org.repomirror.source..",
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

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.repomirror");
  }

  static ArchRule serverImportsNothingOfTheEngine() {
    return noClasses()
        .that()
        .resideInAnyPackage("org.repomirror.server..", "org.repomirror.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SYNC_CORE)
        .because("the server serves a tree; it must run, and be read, without the sync engine");
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
