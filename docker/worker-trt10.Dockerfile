# syntax=docker/dockerfile:1
# image: sdfleet/worker — the sdfleet GPU worker on CUDA 12 / TensorRT 10 (tag suffix -trt10), for every GPU from
# Turing (T4) to Blackwell (B200): the UNet as TensorRT engines built by ONNX Runtime's TensorRT execution provider.
#
#   docker build -f docker/worker-trt10.Dockerfile -t sdfleet/worker:0.1.0-trt10 .
#
# Runtime base: nvcr.io/nvidia/tensorrt:25.03-py3, which NVIDIA's container release notes give as TensorRT 10.9.0,
# CUDA 12.8.1 and cuDNN 9.8.0 on Ubuntu 24.04. Why this tag:
#   - the Java API and natives come from com.microsoft.onnxruntime:onnxruntime_gpu 1.23.2 (built with -Dsdfleet.gpu).
#     Its ELF dynamic sections (readelf -d; DockerfileChecks reads them in the tests) NEED, for
#     libonnxruntime_providers_cuda.so: libcublasLt.so.12, libcublas.so.12, libcurand.so.10, libcufft.so.11,
#     libcudart.so.12 and libcudnn.so.9; for libonnxruntime_providers_tensorrt.so: libnvinfer.so.10,
#     libnvonnxparser.so.10, libcudart.so.12, libcublas.so.12 and libcudnn.so.9. So CUDA 12, cuDNN 9, TensorRT 10;
#   - ONNX Runtime 1.22 and later are built against TensorRT 10.9 and CUDA 12.0-12.8 (ONNX Runtime's TensorRT EP
#     requirements): 25.03 is the first tensorrt tag with TensorRT 10.9. A later tag must stay on CUDA 12 and
#     TensorRT 10 (tags built on CUDA 13 ship libcudart.so.13, which these providers cannot load): check its
#     release notes, then run tools/gpu-check.sh;
#   - CUDA 12.8 and TensorRT 10.8+ are the first with Blackwell (sm_100/sm_120); Ada (sm_89) and Hopper (sm_90) need
#     CUDA 11.8+ and TensorRT 8.5+, which the DJL TensorRT 8.4 image (docker/worker.Dockerfile) lacks.
# The host driver: R570 or later, or a data-center branch with CUDA forward compatibility (R535, R550); the worker
# checks at start and names an older driver (GpuLibraries). Engines are built at start by the worker itself into
# SDFLEET_ORT_TRT_CACHE_DIR (a volume): no trtexec step, no tools/build-trt-engines.sh.
# Not built on the development machine (no Docker engine there); tools/gpu-check.sh builds and runs it on a GPU.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_BASE=nvcr.io/nvidia/tensorrt:25.03-py3
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

# ---- build: the worker jar and its runtime dependencies with onnxruntime_gpu, natives baked out of the jars -----
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependency layer from the poms alone (docker/worker.Dockerfile explains the two runs), with the GPU profile:
# -Dsdfleet.gpu on every run puts onnxruntime_gpu (not the CPU jar) on the class path and in target/lib.
COPY pom.xml ./
COPY common/pom.xml common/
COPY producer/pom.xml producer/
COPY worker/pom.xml worker/
COPY local/pom.xml local/
RUN mvn -B -q -Dsdfleet.gpu -Dmaven.repo.local=/deps/m2 -pl worker -am dependency:go-offline \
 && mvn -B -q -Dsdfleet.gpu -Dmaven.repo.local=/deps/m2 -DskipTests -pl worker -am package \
 && rm -rf common/target worker/target
COPY common/src common/src
COPY worker/src worker/src
RUN mvn -o -B -q -Dsdfleet.gpu -Dmaven.repo.local=/deps/m2 -DskipTests -pl worker -am package \
 && mkdir -p /out/lib \
 && cp worker/target/sdfleet-worker-*.jar /out/sdfleet-worker.jar \
 && cp worker/target/lib/*.jar /out/lib/ \
 && test -f /out/lib/onnxruntime_gpu-*.jar && ! ls /out/lib/onnxruntime-[0-9]*.jar 2>/dev/null
# ONNX Runtime's natives out of its jar into /out/ort-native (BakeOrtNatives.java), DJL's into its cache folder
# (PrefetchDjlNatives.java): nothing is unpacked or downloaded at run time.
COPY docker/BakeOrtNatives.java docker/PrefetchDjlNatives.java /tmp/
RUN java /tmp/BakeOrtNatives.java /out/lib/onnxruntime_gpu-*.jar /out/ort-native \
 && DJL_CACHE_DIR=/out/djl-cache java -cp "/out/lib/*" /tmp/PrefetchDjlNatives.java

FROM ${JRE_IMAGE} AS jre

# ---- runtime ---------------------------------------------------------------------------------------------------
FROM ${RUNTIME_BASE} AS runtime
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="/opt/java/openjdk/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 sdfleet \
 && useradd --system --uid 10001 --gid 10001 --home-dir /opt/sdfleet --shell /usr/sbin/nologin sdfleet \
 && mkdir -p /models /var/cache/sdfleet/trt \
 && chown 10001:10001 /models /var/cache/sdfleet/trt
WORKDIR /opt/sdfleet
COPY --from=build /out/lib /opt/sdfleet/lib
COPY --from=build /out/sdfleet-worker.jar /opt/sdfleet/sdfleet-worker.jar
COPY --from=build /out/ort-native /opt/sdfleet/ort-native
COPY --from=build /out/djl-cache /opt/sdfleet/djl-cache
COPY models/tiny-sd /opt/sdfleet/models/tiny-sd

# Defaults for a GPU worker; compose and the Kubernetes overlay set them explicitly too. The UNet on TensorRT engines
# (one per SDFLEET_TRT_PROFILES entry) that ONNX Runtime builds into the cache folder, a volume; text encoder and VAE
# on ONNX Runtime's CUDA provider.
ENV DJL_CACHE_DIR=/opt/sdfleet/djl-cache \
    SDFLEET_HTTP_PORT=8080 \
    SDFLEET_RUNTIME=onnxruntime \
    SDFLEET_ORT_PROVIDER=tensorrt \
    SDFLEET_ORT_TRT_CACHE_DIR=/var/cache/sdfleet/trt \
    SDFLEET_MODEL_DIR=/models/sd \
    SDFLEET_SHUTDOWN_GRACE=60s \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
EXPOSE 8080
VOLUME ["/var/cache/sdfleet/trt"]
# /healthz is 200 while the process is alive (also while the engines build, which takes minutes on a first start).
HEALTHCHECK --interval=15s --timeout=5s --start-period=900s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${SDFLEET_HTTP_PORT:-8080} && printf "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
# onnxruntime.native.path: the natives baked above (the jar in lib/ holds none). ai.djl.offline: never download.
ENTRYPOINT ["java", "-Donnxruntime.native.path=/opt/sdfleet/ort-native", "-Dai.djl.offline=true", "-Dai.djl.default_engine=OnnxRuntime", "-cp", "/opt/sdfleet/sdfleet-worker.jar:/opt/sdfleet/lib/*", "io.sdfleet.worker.WorkerMain"]
