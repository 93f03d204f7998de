# syntax=docker/dockerfile:1
# Parley node image: target/classes plus the runtime dependency jars, no fat jar (the same
# layout ./parley runs from, so reference.conf files stay unmerged and intact).
#
#   docker build -t <registry>/parley:<version> . && docker push <registry>/parley:<version>
#   (cd k8s && kustomize edit set image parley=<registry>/parley:<version>)
#
# docs/operations.md walks through it, with the Secrets and a kind recipe. The pods run it as
# uid 10001 with a read-only root file system (/tmp is an emptyDir).
#
# The same image runs core and edge nodes (PARLEY_ROLES) and the schema Job
# (java -cp "classes:lib/*" io.parley.node.ApplySchema).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
# The packaged resources: conf/application.conf and cassandra/schema.cql (see the pom).
COPY conf/application.conf conf/application.conf
COPY cassandra/schema.cql cassandra/schema.cql
COPY src/main src/main
# The Maven repository is a build cache, not part of any layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -DskipTests package \
 && mvn -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home parley
WORKDIR /app
COPY --from=build /build/target/lib lib
COPY --from=build /build/target/classes classes
# Numeric, so that Kubernetes can verify runAsNonRoot.
USER 10001:10001
# http (WebSocket + REST), tcp, remote (Artery), management: conf/application.conf's defaults.
EXPOSE 8080 7070 25520 8558
# The JVM expands lib/* itself; exec form, so SIGTERM reaches the JVM (graceful leave).
ENTRYPOINT ["java", "-cp", "classes:lib/*", "io.parley.node.Main"]
