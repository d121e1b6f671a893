# syntax=docker/dockerfile:1
# image: sdfleet/producer — the sdfleet command line (io.sdfleet.producer.cli.SdfleetCli): submit, watch,
# tokenize, replay. JRE only, no GPU libraries.
#
#   docker build -f docker/producer.Dockerfile -t sdfleet/producer:0.1.0 .
#   docker run --rm --network host sdfleet/producer:0.1.0 submit "a lighthouse at dusk" --wait
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_BASE=eclipse-temurin:17-jre-jammy

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependency layer from the poms alone, kept in the layer (docker/worker.Dockerfile explains the two runs); a
# source change then builds offline (-o).
COPY pom.xml ./
COPY common/pom.xml common/
COPY producer/pom.xml producer/
COPY worker/pom.xml worker/
COPY local/pom.xml local/
RUN mvn -B -q -Dmaven.repo.local=/deps/m2 -pl producer -am dependency:go-offline \
 && mvn -B -q -Dmaven.repo.local=/deps/m2 -DskipTests -pl producer -am package \
 && rm -rf common/target producer/target
COPY common/src common/src
COPY producer/src producer/src
RUN mvn -o -B -q -Dmaven.repo.local=/deps/m2 -DskipTests -pl producer -am package \
 && mkdir -p /out/lib \
 && cp producer/target/sdfleet-producer-*.jar /out/sdfleet-producer.jar \
 && cp producer/target/lib/*.jar /out/lib/

FROM ${RUNTIME_BASE} AS runtime
RUN groupadd --system --gid 10001 sdfleet \
 && useradd --system --uid 10001 --gid 10001 --home-dir /opt/sdfleet --shell /usr/sbin/nologin sdfleet
WORKDIR /opt/sdfleet
COPY --from=build /out/lib /opt/sdfleet/lib
COPY --from=build /out/sdfleet-producer.jar /opt/sdfleet/sdfleet-producer.jar
ENV SDFLEET_BOOTSTRAP_SERVERS=kafka:9092
USER 10001:10001
ENTRYPOINT ["java", "-cp", "/opt/sdfleet/sdfleet-producer.jar:/opt/sdfleet/lib/*", "io.sdfleet.producer.cli.SdfleetCli"]
CMD ["--help"]
