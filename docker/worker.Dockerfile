# syntax=docker/dockerfile:1
# image: sdfleet/worker — the sdfleet GPU worker (io.sdfleet.worker.WorkerMain).
#
#   docker build -f docker/worker.Dockerfile -t sdfleet/worker:0.1.0 .                      (GPU, TensorRT)
#   docker build -f docker/worker.Dockerfile --build-arg RUNTIME_BASE=eclipse-temurin:17-jre-jammy \
#                -t sdfleet/worker:0.1.0-cpu .                                              (CPU, ONNX Runtime)
#
# Runtime base: nvcr.io/nvidia/tensorrt:22.07-py3 ships TensorRT 8.4.1 (CUDA 11.7, Ubuntu 20.04). DJL's TensorRT
# engine 0.33.0 is the last DJL release with TensorRT; its JNI (libdjl_trt.so) is built against exactly TensorRT
# 8.4.1 (the jar's native/lib/tensorrt.properties says version=8.4.1-0.33.0). Its ELF dynamic section (readelf -d
# on native/lib/linux-x86_64/libdjl_trt.so of ai.djl.tensorrt:tensorrt:0.33.0; DockerfileChecks reads it in the
# tests) NEEDs exactly two TensorRT libraries, libnvonnxparser.so.8 and libnvparsers.so.8, besides libstdc++,
# libgcc_s and libc. The libnvinfer symbols it calls (createInferBuilder_INTERNAL, createInferRuntime_INTERNAL,
# initLibNvInferPlugins of libnvinfer_plugin) are left undefined in it, for the libraries those two parsers load to
# provide. So the image must carry TensorRT 8's parsers: TensorRT 10 (24.xx tags) has no .so.8 and no libnvparsers
# at all. Later 22.xx/23.0x tags carry TensorRT 8.5/8.6, which keep the .so.8 names and would probably load, but
# 22.07 is the one the JNI was built for. The same image also runs trtexec (tools/build-trt-engines.sh): a
# serialized engine loads only in the TensorRT version that built it.
# The driver on the host must support CUDA 11.7 (R515+, or R450/R470 data-center drivers with forward compat).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_BASE=nvcr.io/nvidia/tensorrt:22.07-py3
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy

# ---- build: the worker jar and its runtime dependencies (target/lib), then DJL's TensorRT JNI ----------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependency layer: from the poms alone, every library and plugin the build below uses, into a repository inside
# this layer (/deps/m2, not a cache mount: a cache mount can be empty while the layer cache is warm). It is rebuilt
# only when a pom changes; a source change then builds offline (-o) from it. go-offline resolves the declared
# libraries and plugins; the package run on the source-less modules fetches what plugins resolve only when they
# run (Maven 3.8 injects plexus-utils into old plugins, for one). Checked with an empty repository: these two,
# then `mvn -o ... package` with the sources, build the worker.
COPY pom.xml ./
COPY common/pom.xml common/
COPY producer/pom.xml producer/
COPY worker/pom.xml worker/
COPY local/pom.xml local/
RUN mvn -B -q -Dmaven.repo.local=/deps/m2 -pl worker -am dependency:go-offline \
 && mvn -B -q -Dmaven.repo.local=/deps/m2 -DskipTests -pl worker -am package \
 && rm -rf common/target worker/target
COPY common/src common/src
COPY worker/src worker/src
RUN mvn -o -B -q -Dmaven.repo.local=/deps/m2 -DskipTests -pl worker -am package \
 && mkdir -p /out/lib \
 && cp worker/target/sdfleet-worker-*.jar /out/sdfleet-worker.jar \
 && cp worker/target/lib/*.jar /out/lib/
# Extract the TensorRT JNI into the cache folder the runtime image ships (see PrefetchDjlNatives.java).
COPY docker/PrefetchDjlNatives.java /tmp/
RUN DJL_CACHE_DIR=/out/djl-cache java -cp "/out/lib/*" /tmp/PrefetchDjlNatives.java

FROM ${JRE_IMAGE} AS jre

# ---- runtime ---------------------------------------------------------------------------------------------------
FROM ${RUNTIME_BASE} AS runtime
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="/opt/java/openjdk/bin:/usr/src/tensorrt/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 sdfleet \
 && useradd --system --uid 10001 --gid 10001 --home-dir /opt/sdfleet --shell /usr/sbin/nologin sdfleet \
 && mkdir -p /models \
 && chown 10001:10001 /models
WORKDIR /opt/sdfleet
COPY --from=build /out/lib /opt/sdfleet/lib
COPY --from=build /out/sdfleet-worker.jar /opt/sdfleet/sdfleet-worker.jar
COPY --from=build /out/djl-cache /opt/sdfleet/djl-cache
COPY models/tiny-sd /opt/sdfleet/models/tiny-sd
COPY --chmod=0755 tools/build-trt-engines.sh /opt/sdfleet/bin/build-trt-engines.sh

# Defaults for a GPU worker; compose and the Kubernetes ConfigMap set them explicitly too.
# The DJL cache is baked and read-only: DJL finds its JNI there and writes nothing (PrefetchDjlNatives.java).
ENV DJL_CACHE_DIR=/opt/sdfleet/djl-cache \
    SDFLEET_HTTP_PORT=8080 \
    SDFLEET_RUNTIME=tensorrt \
    SDFLEET_MODEL_DIR=/models/sd \
    SDFLEET_SHUTDOWN_GRACE=60s \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
EXPOSE 8080
# /healthz is 200 while the process is alive (also while the model loads). Plain bash: no curl in the image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${SDFLEET_HTTP_PORT:-8080} && printf "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
# ai.djl.offline: never download; ai.djl.default_engine: ONNX Runtime (TensorRT as default engine breaks ORT loading).
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dai.djl.default_engine=OnnxRuntime", "-cp", "/opt/sdfleet/sdfleet-worker.jar:/opt/sdfleet/lib/*", "io.sdfleet.worker.WorkerMain"]
