package io.parley;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, kept: each layer uses only the ones below it, and
 * no package cycle.
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.parley");
  }

  @Test
  void layersUseOnlyTheLayersBelow() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("node")
        .definedBy("io.parley.node..")
        .layer("http")
        .definedBy("io.parley.http..")
        .layer("edge")
        .definedBy("io.parley.edge..")
        .layer("storage")
        .definedBy("io.parley.storage..")
        .layer("conversation")
        .definedBy("io.parley.conversation..")
        .layer("user")
        .definedBy("io.parley.user..")
        .layer("push")
        .definedBy("io.parley.push..")
        .layer("notifications")
        .definedBy("io.parley.notifications..")
        .layer("leaves")
        .definedBy(
            "io.parley.timeline..",
            "io.parley.atrest..",
            "io.parley.protocol..",
            "io.parley.auth..",
            "io.parley.metrics..",
            "io.parley.tracing..",
            "io.parley.moderation..")
        .whereLayer("node")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("node")
        .whereLayer("edge")
        .mayOnlyBeAccessedByLayers("http", "node")
        .whereLayer("storage")
        .mayOnlyBeAccessedByLayers("edge", "http", "node")
        .whereLayer("conversation")
        .mayOnlyBeAccessedByLayers("storage", "edge", "http", "node")
        .whereLayer("user")
        .mayOnlyBeAccessedByLayers("conversation", "storage", "edge", "http", "node")
        .whereLayer("push")
        .mayOnlyBeAccessedByLayers("conversation", "user", "edge", "http", "node")
        .whereLayer("notifications")
        .mayOnlyBeAccessedByLayers("conversation", "user", "edge", "http", "node")
        .check(main);
  }

  @Test
  void leavesDependOnNoOtherParleyPackage() {
    for (String leaf :
        new String[] {
          "timeline", "atrest", "protocol", "auth", "metrics", "tracing", "moderation"
        }) {
      noClasses()
          .that()
          .resideInAPackage("io.parley." + leaf + "..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.parley..")
                  .and(resideInAPackage("io.parley." + leaf + "..").negate())
                  .and(resideInAPackage("io.parley").negate())) // CborSerializable
          .check(main);
    }
  }

  @Test
  void theSocketLayerKnowsNothingOfSessions() {
    noClasses()
        .that()
        .resideInAPackage("io.parley.edge.net..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.parley..")
                .and(resideInAPackage("io.parley.edge.net..").negate())
                .and(resideInAPackage("io.parley.metrics..").negate()))
        .check(main);
  }

  /**
   * Inside the edge, one way down: session, then transport (the sockets' byte streams, which know a
   * session only as their SocketHandler) and requests (asks to the entities, for sessions and the
   * REST routes alike), then budgets, with edge.net under the transports. The REST routes never
   * reach into sessions.
   */
  @Test
  void edgeLayersPointOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("node")
        .definedBy("io.parley.node..")
        .layer("http")
        .definedBy("io.parley.http..")
        .layer("session")
        .definedBy("io.parley.edge.session..")
        .layer("transport")
        .definedBy("io.parley.edge.transport..")
        .layer("requests")
        .definedBy("io.parley.edge.requests..")
        .layer("budgets")
        .definedBy("io.parley.edge.budgets..")
        .layer("net")
        .definedBy("io.parley.edge.net..")
        .whereLayer("node")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("node")
        .whereLayer("session")
        .mayOnlyBeAccessedByLayers("node")
        .whereLayer("transport")
        .mayOnlyBeAccessedByLayers("session", "http", "node")
        .whereLayer("requests")
        .mayOnlyBeAccessedByLayers("session", "http", "node")
        .whereLayer("budgets")
        .mayOnlyBeAccessedByLayers("session", "requests", "http", "node")
        .whereLayer("net")
        .mayOnlyBeAccessedByLayers("transport", "node")
        .check(main);
  }

  @Test
  void theTransportsKnowNothingOfSessionsOrEntities() {
    noClasses()
        .that()
        .resideInAPackage("io.parley.edge.transport..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.parley..")
                .and(
                    resideInAnyPackage(
                            "io.parley.edge.transport..",
                            "io.parley.edge.net..",
                            "io.parley.protocol..",
                            "io.parley.metrics..")
                        .negate()))
        .check(main);
  }

  /** Every edge class is in one of its layers, where the rules above see it. */
  @Test
  void theEdgeRootHoldsNoClasses() {
    noClasses().should().resideInAPackage("io.parley.edge").check(main);
  }

  @Test
  void noCyclesAmongTheEdgePackages() {
    slices().matching("io.parley.edge.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.parley.(*)..").should().beFreeOfCycles().check(main);
  }
}
