package io.sdfleet.local.deploy;

import static io.sdfleet.local.deploy.DeploymentFilesTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The CUDA 12 / TensorRT 10 worker's deployment files: docker/worker-trt10.Dockerfile (parsed, held against the ELF
 * headers of the onnxruntime_gpu jar's provider libraries), compose/compose.trt10.yaml merged over compose.yaml, and
 * k8s/overlays/trt10 rendered by kubectl kustomize, each through the same checks as the TensorRT 8 files
 * ({@link ComposeChecks}, {@link KubernetesChecks}, {@link DockerfileChecks}) and {@link GpuImageChecks}; and, for each
 * check, a broken copy it catches.
 */
class Trt10DeploymentTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Map<String, String> DOTENV = DeployFiles.envFile(COMPOSE.resolve(".env.example"));
    static final List<String> PROVIDERS = List.of("libonnxruntime_providers_cuda.so", "libonnxruntime_providers_tensorrt.so");

    @Test
    void theGpuDockerfileHoldsAgainstTheCodeAndTheProvidersItShips() throws IOException {
        String dockerfile = DeployFiles.read(ROOT.resolve(GpuImageChecks.DOCKERFILE));
        List<String> problems = new ArrayList<>(DockerfileChecks.problems("worker-trt10.Dockerfile", dockerfile,
                KnownSettings.WORKER, WorkerContract.WORKER_IMAGE, true));
        problems.addAll(DockerfileChecks.offlineBuildProblems("worker-trt10.Dockerfile", dockerfile));
        Map<String, List<String>> needed = providerNeeds();
        problems.addAll(GpuImageChecks.dockerfile("worker-trt10.Dockerfile", dockerfile, needed));
        assertNoProblems(problems);
        System.out.println("deploy: onnxruntime_gpu " + BuildProfilesTest.ortVersion() + " providers NEED " + needed);
    }

    @Test
    void brokenGpuDockerfilesAreCaught() throws IOException {
        String dockerfile = DeployFiles.read(ROOT.resolve(GpuImageChecks.DOCKERFILE));
        Map<String, List<String>> needed = providerNeeds();
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("nvcr.io/nvidia/tensorrt:25.03-py3",
                "nvcr.io/nvidia/tensorrt:22.07-py3"), needed), "predates TensorRT 10.9");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("ARG RUNTIME_BASE=nvcr.io/nvidia/tensorrt:25.03-py3",
                "ARG RUNTIME_BASE=eclipse-temurin:17-jre-noble"), needed), "is not an nvcr.io/nvidia/tensorrt");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("mvn -o -B -q -Dsdfleet.gpu", "mvn -o -B -q"), needed),
                "a Maven run without -Dsdfleet.gpu");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("\"-Donnxruntime.native.path=/opt/sdfleet/ort-native\", ", ""),
                needed), "sets no -Donnxruntime.native.path");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("COPY --from=build /out/ort-native /opt/sdfleet/ort-native\n",
                ""), needed), "is not copied from the build stage");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("SDFLEET_ORT_PROVIDER=tensorrt", "SDFLEET_ORT_PROVIDER=cuda"),
                needed), "SDFLEET_ORT_PROVIDER is cuda, must be tensorrt");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("VOLUME [\"/var/cache/sdfleet/trt\"]\n", ""), needed),
                "declared a VOLUME");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("libnvinfer.so.10,", "libnvinfer.so.8,"), needed),
                "its ELF dynamic section NEEDs");
        expect(GpuImageChecks.dockerfile("b", dockerfile.replace("cuDNN 9", "cuDNN"), needed), "which cuDNN the base has");
    }

    @Test
    void composeOverrideRunsEveryWorkerOnTheGpuImageWithItsOwnEngineCache() {
        ObjectNode merged = trt10Compose();
        List<String> problems = new ArrayList<>(ComposeChecks.problems("compose.yaml + compose.trt10.yaml", merged, COMPOSE, true));
        problems.addAll(GpuImageChecks.compose("compose.trt10.yaml", merged, COMPOSE, declaredVolumes()));
        problems.addAll(DeploySchemas.composeProblems("compose.trt10.yaml",
                ComposeChecks.load(COMPOSE.resolve("compose.trt10.yaml"), DOTENV)));
        assertNoProblems(problems);
        assertEquals(4, ComposeChecks.workers(merged).size());
        assertEquals("true", merged.path("services").path(ComposeChecks.ENGINE_BUILD_SERVICE).path("entrypoint").get(0).asText(),
                "the trtexec one-shot has nothing to do");
        assertTrue(ComposeChecks.gpuIds(merged.path("services").path(ComposeChecks.ENGINE_BUILD_SERVICE)).isEmpty(),
                "and reserves no GPU");
    }

    @Test
    void brokenComposeOverridesAreCaught() {
        ObjectNode shared = trt10Compose();
        ((ArrayNode) shared.path("services").path("worker-1").path("volumes")).set(1,
                shared.textNode("trt-cache-0:/var/cache/sdfleet/trt"));
        expect(GpuImageChecks.compose("b", shared, COMPOSE, declaredVolumes()), "shares the engine cache volume trt-cache-0");
        ObjectNode none = trt10Compose();
        ((ArrayNode) none.path("services").path("worker-2").path("volumes")).remove(1);
        expect(GpuImageChecks.compose("b", none, COMPOSE, declaredVolumes()), "worker-2: no volume at the engine cache");
        ObjectNode cpuImage = trt10Compose();
        ((ObjectNode) cpuImage.path("services").path("worker-0")).put("image", "sdfleet/worker:0.1.0");
        expect(GpuImageChecks.compose("b", cpuImage, COMPOSE, declaredVolumes()), "is not a -trt10 tag");
        ObjectNode djl = trt10Compose();
        ((ObjectNode) djl.path("services").path("worker-3").path("environment")).put("SDFLEET_RUNTIME", "tensorrt");
        expect(GpuImageChecks.compose("b", djl, COMPOSE, declaredVolumes()), "must be onnxruntime");
        expect(GpuImageChecks.compose("b", trt10Compose(), COMPOSE, Set.of()), "is not a declared named volume");
    }

    @Test
    void kubernetesOverlayRunsTheGpuImageWithAPerPodCacheAndTimeToBuild() {
        Manifests overlay = Manifests.render(ROOT.resolve("k8s/overlays/trt10"));
        List<String> problems = new ArrayList<>(KubernetesChecks.problems(overlay));
        problems.addAll(GpuImageChecks.kubernetes("k8s/overlays/trt10", overlay));
        assertNoProblems(problems);
        JsonNode worker = KubernetesChecks.named(KubernetesChecks.pod(DeploymentFilesTest.workload(overlay)).path("containers"),
                KubernetesChecks.CONTAINER);
        assertEquals("1", worker.path("resources").path("limits").path("nvidia.com/gpu").asText());
    }

    @Test
    void brokenKubernetesOverlaysAreCaught() {
        expectK8s(k -> container(k).with("startupProbe").put("failureThreshold", 90), "less than the 1800 s");
        expectK8s(k -> mountAt(k, "/var/cache/sdfleet/trt").put("readOnly", true), "is mounted read-only");
        expectK8s(k -> mountAt(k, "/var/cache/sdfleet/trt").put("name", "tmp"), "is no volumeClaimTemplate");
        expectK8s(k -> configMap(k).put("SDFLEET_ORT_PROVIDER", "cuda"), "must be tensorrt");
        expectK8s(k -> configMap(k).remove("SDFLEET_ORT_TRT_CACHE_DIR"), "SDFLEET_ORT_TRT_CACHE_DIR unset");
        expectK8s(k -> container(k).put("image", "sdfleet/worker:0.1.0"), "is not a -trt10 tag");
        expectK8s(k -> ((ObjectNode) KubernetesChecks.pod(DeploymentFilesTest.workload(k))).withArray("initContainers")
                .addObject().put("name", "trt-engines"), "init container trt-engines runs the -trt10 image for nothing");
    }

    /** Each provider library of the onnxruntime_gpu jar → the NEEDED entries of its ELF dynamic section. */
    static Map<String, List<String>> providerNeeds() throws IOException {
        Path jar = BuildProfilesTest.gpuJar();
        Map<String, List<String>> needed = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String provider : PROVIDERS) {
                ZipEntry e = zip.getEntry("ai/onnxruntime/native/linux-x64/" + provider);
                assertTrue(e != null, jar + " holds " + provider);
                try (InputStream in = zip.getInputStream(e)) {
                    needed.put(provider, DockerfileChecks.elfNeeded(in.readAllBytes()));
                }
            }
        }
        return needed;
    }

    static ObjectNode trt10Compose() {
        return ComposeChecks.merge(ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV),
                ComposeChecks.load(COMPOSE.resolve("compose.trt10.yaml"), DOTENV));
    }

    private static Set<String> declaredVolumes() {
        Set<String> names = new LinkedHashSet<>();
        for (String f : List.of("compose.yaml", "compose.trt10.yaml")) {
            ComposeChecks.load(COMPOSE.resolve(f), DOTENV).path("volumes").fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static void expectK8s(Consumer<Manifests> breakIt, String problem) {
        Manifests k = Manifests.render(ROOT.resolve("k8s/overlays/trt10"));
        breakIt.accept(k);
        expect(GpuImageChecks.kubernetes("b", k), problem);
    }

    private static ObjectNode container(Manifests k) {
        return (ObjectNode) KubernetesChecks.named(KubernetesChecks.pod(DeploymentFilesTest.workload(k)).path("containers"),
                KubernetesChecks.CONTAINER);
    }

    private static ObjectNode mountAt(Manifests k, String path) {
        for (JsonNode m : container(k).path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(path)) {
                return (ObjectNode) m;
            }
        }
        throw new AssertionError("no mount at " + path);
    }

    private static ObjectNode configMap(Manifests k) {
        return (ObjectNode) k.get("ConfigMap", "sdfleet-worker-config").path("data");
    }

    static void expect(List<String> problems, String fragment) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem containing '" + fragment + "', got:\n  " + String.join("\n  ", problems));
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
