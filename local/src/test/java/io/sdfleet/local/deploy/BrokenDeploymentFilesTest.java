package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every check can fail: each case breaks one thing in a copy of a real file and expects a problem that names
 * it. (A check that passes everything would pass the real files too.)
 */
class BrokenDeploymentFilesTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Map<String, String> DOTENV = DeployFiles.envFile(COMPOSE.resolve(".env.example"));

    private static ObjectNode compose() {
        return ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
    }

    private static ObjectNode workerEnv(ObjectNode compose) {
        return (ObjectNode) compose.with("services").with("worker").with("environment");
    }

    private static void expectComposeProblem(Consumer<ObjectNode> breakIt, String expected) {
        ObjectNode c = compose();
        breakIt.accept(c);
        expect(ComposeChecks.problems("broken", c, COMPOSE, true), expected);
    }

    @Test
    void composeUnknownEnvVariable() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_BATCH_MAX_IMAGE", "4"), "SDFLEET_BATCH_MAX_IMAGE");
    }

    @Test
    void composeUnknownKafkaPassThrough() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_KAFKA_SASL_JAAS_CONFG", "x"), "no Kafka client property");
    }

    @Test
    void composeBadValue() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_RUNTIME", "cuda"), "SDFLEET_RUNTIME='cuda'");
    }

    @Test
    void composeMissingRequired() {
        expectComposeProblem(c -> workerEnv(c).remove("SDFLEET_S3_ENDPOINT"), "required SDFLEET_S3_ENDPOINT");
    }

    @Test
    void composeWorkerThatCannotScale() {
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).put("container_name", "w"),
                "container_name");
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).putArray("ports").add("8080:8080"),
                "host ports");
    }

    @Test
    void composeWorkerWithoutGpu() {
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).remove("deploy"), "one GPU");
    }

    @Test
    void composeStopGraceTooShort() {
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).put("stop_grace_period", "60s"),
                "stop_grace_period");
    }

    @Test
    void composeTopicMissing() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_TOPIC_DLQ", "sd.dead"), "topic sd.dead is not created");
    }

    @Test
    void composeWrongImage() {
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).put("image", "sdfleet/wrker:1"),
                "is not sdfleet/worker");
    }

    @Test
    void composeBootstrapNotAdvertised() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_BOOTSTRAP_SERVERS", "broker:9092"), "advertised listener");
    }

    @Test
    void composeTensorRtRuntimeWithTensorRtProvider() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_ORT_PROVIDER", "tensorrt"),
                "SDFLEET_ORT_PROVIDER='tensorrt': cannot be tensorrt with SDFLEET_RUNTIME=tensorrt");
    }

    @Test
    void composeEngineProfilesWithoutRoomForGuidance() {
        expectComposeProblem(c -> {
            workerEnv(c).put("SDFLEET_TRT_PROFILES", "1x64x64");
            engineBuildEnv(c).put("SDFLEET_TRT_PROFILES", "1x64x64");
        }, "batch 2 or more");
    }

    @Test
    void composeEngineBuildDisagreesWithTheWorker() {
        expectComposeProblem(c -> engineBuildEnv(c).put("SDFLEET_TRT_PROFILES", "2x64x64"),
                "the engine build step sees");
        expectComposeProblem(c -> engineBuildEnv(c).put("SDFLEET_MODEL_DIR", "/models/other"), "the engine build step sees");
        expectComposeProblem(c -> engineBuildEnv(c).put("SDFLEET_TRT_ENGINE_DIR", "/models/sd/engines"), "the engine build step sees");
        expectComposeProblem(c -> engineBuildEnv(c).put("SDFLEET_FP16", "false"), "the engine build step sees");
    }

    @Test
    void composeThreadsNotTheCpuLimit() {
        expectComposeProblem(c -> ((ObjectNode) c.with("services").with("worker")).put("cpus", 8),
                "SDFLEET_ORT_INTRA_OP_THREADS is 4 but the CPU limit is 8.0 cores");
    }

    private static ObjectNode engineBuildEnv(ObjectNode compose) {
        return (ObjectNode) compose.with("services").with(ComposeChecks.ENGINE_BUILD_SERVICE).with("environment");
    }

    private static ObjectNode configMapData(Kustomize k) {
        return (ObjectNode) k.get("ConfigMap", "sdfleet-worker-config").with("data");
    }

    @Test
    void k8sTensorRtRuntimeWithTensorRtProvider() {
        expectK8sProblem(k -> configMapData(k).put("SDFLEET_ORT_PROVIDER", "tensorrt"),
                "SDFLEET_ORT_PROVIDER='tensorrt': cannot be tensorrt with SDFLEET_RUNTIME=tensorrt");
    }

    @Test
    void k8sEngineBuildDisagreesWithTheWorker() {
        expectK8sProblem(k -> {
            ObjectNode init = (ObjectNode) KubernetesChecks.named(pod(k).path("initContainers"),
                    KubernetesChecks.ENGINE_BUILD_CONTAINER);
            ((ArrayNode) init.get("env")).addObject().put("name", "SDFLEET_TRT_ENGINE_DIR").put("value", "/engines");
        }, "the engine build step sees");
        expectK8sProblem(k -> ((ArrayNode) pod(k).get("initContainers")).removeAll(),
                "no init container trt-engines");
    }

    @Test
    void k8sThreadsNotTheCpuLimit() {
        expectK8sProblem(k -> ((ObjectNode) container(k).with("resources").with("limits")).put("cpu", "6"),
                "SDFLEET_ORT_INTRA_OP_THREADS is 4 but the CPU limit is 6.0 cores");
    }

    private static Kustomize base() {
        return Kustomize.build(ROOT.resolve("k8s/base"));
    }

    private static ObjectNode pod(Kustomize k) {
        return (ObjectNode) k.get("Deployment", KubernetesChecks.DEPLOYMENT).with("spec").with("template").with("spec");
    }

    private static ObjectNode container(Kustomize k) {
        return (ObjectNode) KubernetesChecks.named(pod(k).path("containers"), KubernetesChecks.CONTAINER);
    }

    private static void expectK8sProblem(Consumer<Kustomize> breakIt, String expected) {
        Kustomize k = base();
        breakIt.accept(k);
        expect(KubernetesChecks.problems(k), expected);
    }

    @Test
    void k8sUnknownFieldInCoreObject() {
        expectK8sProblem(k -> container(k).set("livenessProbes", container(k).get("livenessProbe")), "livenessProbes");
    }

    @Test
    void k8sWrongTypeInCoreObject() {
        expectK8sProblem(k -> pod(k).put("terminationGracePeriodSeconds", "ninety"), "does not fit");
    }

    @Test
    void k8sUnknownFieldInCustomResource() {
        expectK8sProblem(k -> ((ObjectNode) k.get("ScaledObject", null).with("spec")).put("maxReplicas", 3),
                "unknown field 'maxReplicas'");
        expectK8sProblem(k -> ((ObjectNode) k.get("ScaledObject", null).path("spec").path("triggers").get(0)
                .with("metadata")).put("consumerGroupId", "x"), "unknown field 'consumerGroupId'");
    }

    @Test
    void k8sUnknownEnvInConfigMap() {
        expectK8sProblem(k -> ((ObjectNode) k.get("ConfigMap", "sdfleet-worker-config").with("data"))
                .put("SDFLEET_MODEL_PATH", "/models"), "SDFLEET_MODEL_PATH");
    }

    @Test
    void k8sProbePathAndPort() {
        expectK8sProblem(k -> ((ObjectNode) container(k).with("livenessProbe").with("httpGet")).put("path", "/health"),
                "livenessProbe path /health");
        expectK8sProblem(k -> ((ObjectNode) container(k).with("readinessProbe").with("httpGet")).set("port", IntNode.valueOf(9090)),
                "readinessProbe port 9090");
    }

    @Test
    void k8sGraceTooShort() {
        expectK8sProblem(k -> pod(k).put("terminationGracePeriodSeconds", 65), "terminationGracePeriodSeconds 65");
    }

    @Test
    void k8sKedaAgainstConfiguration() {
        expectK8sProblem(k -> ((ObjectNode) k.get("ScaledObject", null).with("spec")).put("maxReplicaCount", 12),
                "maxReplicaCount 12 > 6 partitions");
        expectK8sProblem(k -> ((ObjectNode) k.get("ScaledObject", null).path("spec").path("triggers").get(0)
                .with("metadata")).put("consumerGroup", "workers"), "KEDA consumerGroup is 'workers'");
        expectK8sProblem(k -> ((ObjectNode) k.get("ConfigMap", "sdfleet-worker-config").with("data"))
                .put("SDFLEET_TOPIC_REQUESTS", "jobs"), "KEDA topic is 'sd.requests'");
    }

    @Test
    void k8sWorkerIdNotFromPodName() {
        expectK8sProblem(k -> {
            ArrayNode env = (ArrayNode) container(k).get("env");
            ((ObjectNode) env.get(0)).remove("valueFrom");
            ((ObjectNode) env.get(0)).set("value", TextNode.valueOf("worker-1"));
        }, "metadata.name");
    }

    @Test
    void k8sServiceMonitorPath() {
        expectK8sProblem(k -> ((ObjectNode) k.get("ServiceMonitor", null).path("spec").path("endpoints").get(0))
                .put("path", "/prometheus"), "ServiceMonitor path /prometheus");
    }

    @Test
    void kustomizationMissingResource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - nope.yaml\n");
        expect(Kustomize.build(dir).problems(), "resource nope.yaml does not exist");
    }

    @Test
    void dockerfileMainClassAndPort() {
        String worker = DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile"));
        expect(DockerfileChecks.problems("broken", worker.replace("io.sdfleet.worker.WorkerMain", "io.sdfleet.worker.Main"),
                KnownSettings.WORKER, WorkerContract.WORKER_IMAGE, true), "main class io.sdfleet.worker.Main");
        expect(DockerfileChecks.problems("broken", worker.replace("EXPOSE 8080", "EXPOSE 8081"),
                KnownSettings.WORKER, WorkerContract.WORKER_IMAGE, true), "EXPOSE 8081");
        expect(DockerfileChecks.problems("broken", worker.replace("SDFLEET_RUNTIME=tensorrt", "SDFLEET_RUNTIME=trt"),
                KnownSettings.WORKER, WorkerContract.WORKER_IMAGE, true), "SDFLEET_RUNTIME='trt'");
        expect(DockerfileChecks.problems("broken", worker.replace("USER 10001:10001", ""),
                KnownSettings.WORKER, WorkerContract.WORKER_IMAGE, true), "non-root USER");
    }

    @Test
    void strategicMergeDeletesAndMergesByName() throws Exception {
        ObjectNode target = (ObjectNode) DeployFiles.YAML.readTree(
                "a: 1\nb: {c: 2, d: 3}\nl: [{name: x, v: 1}, {name: y, v: 2}]\n");
        JsonNode patch = DeployFiles.YAML.readTree("a: null\nb: {d: 4}\nl: [{name: y, $patch: delete}, {name: x, w: 5}]\n");
        StrategicMerge.apply(target, patch);
        assertTrue(target.equals(DeployFiles.YAML.readTree("b: {c: 2, d: 4}\nl: [{name: x, v: 1, w: 5}]\n")),
                target.toString());
    }

    static void expect(List<String> problems, String fragment) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem containing '" + fragment + "', got " + problems);
    }
}
