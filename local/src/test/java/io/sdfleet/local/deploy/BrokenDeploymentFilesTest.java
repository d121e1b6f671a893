package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Every check can fail: each case breaks one thing in a copy of a real file (or of its rendered objects) and
 * expects a problem that names it. A check that passes everything would pass the real files too; these show
 * that the schemas, the KEDA scaler's parameters and each cross check refuse what they exist to refuse.
 */
class BrokenDeploymentFilesTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Map<String, String> DOTENV = DeployFiles.envFile(COMPOSE.resolve(".env.example"));

    private static ObjectNode compose() {
        return ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
    }

    private static ObjectNode service(ObjectNode compose, String name) {
        return (ObjectNode) compose.with("services").with(name);
    }

    private static ObjectNode workerEnv(ObjectNode compose) {
        return (ObjectNode) service(compose, "worker-0").with("environment");
    }

    private static void expectComposeProblem(Consumer<ObjectNode> breakIt, String expected) {
        ObjectNode c = compose();
        breakIt.accept(c);
        expect(ComposeChecks.problems("broken", c, COMPOSE, true), expected);
    }

    // ---- compose -------------------------------------------------------------------------------------------

    @Test
    void composeSchemaRefusesUnknownKeysAndWrongTypes() {
        ObjectNode c = compose();
        service(c, "worker-0").put("stop_grace", "60s");
        expect(DeploySchemas.composeProblems("broken", c), "stop_grace");
        ObjectNode d = compose();
        service(d, "kafka").putArray("healthcheck").add("x");
        expect(DeploySchemas.composeProblems("broken", d), "healthcheck");
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
    void composeWorkerWithFixedNamePortsOrReplicas() {
        expectComposeProblem(c -> service(c, "worker-0").put("container_name", "w"), "container_name");
        expectComposeProblem(c -> service(c, "worker-0").putArray("ports").add("8080:8080"), "host ports");
        expectComposeProblem(c -> ((ObjectNode) service(c, "worker-1").with("deploy")).put("replicas", 2),
                "more than one replica");
    }

    @Test
    void composeWorkerWithoutItsOwnGpu() {
        expectComposeProblem(c -> service(c, "worker-0").remove("deploy"), "exactly one GPU by device_ids");
        // the old file: a device count, which dockerd maps to GPU 0 for every worker
        expectComposeProblem(c -> {
            ObjectNode device = (ObjectNode) service(c, "worker-1").path("deploy").path("resources").path("reservations")
                    .path("devices").get(0);
            device.remove("device_ids");
            device.put("count", 1);
        }, "device count");
        expectComposeProblem(c -> ((ArrayNode) service(c, "worker-1").path("deploy").path("resources")
                .path("reservations").path("devices").get(0).path("device_ids")).set(0, TextNode.valueOf("0")),
                "GPU 0 is also reserved by worker-0");
    }

    @Test
    void composeWorkersSharingAnId() {
        expectComposeProblem(c -> ((ObjectNode) service(c, "worker-1").with("environment")).put("SDFLEET_WORKER_ID", "worker-0"),
                "is also worker-0's");
        expectComposeProblem(c -> workerEnv(c).remove("SDFLEET_WORKER_ID"), "SDFLEET_WORKER_ID unset");
    }

    @Test
    void composeProfilesThatDoNotStartWorkersInOrder() {
        expectComposeProblem(c -> {
            ArrayNode profiles = service(c, "worker-2").putArray("profiles");
            profiles.add("workers-3");
        }, "profile workers-4 starts workers [0, 1, 3], must start [0, 1, 2, 3]");
        expectComposeProblem(c -> service(c, "worker-1").remove("profiles"), "no profile starts workers [0, 1]");
    }

    @Test
    void composeStopGraceTooShort() {
        expectComposeProblem(c -> service(c, "worker-0").put("stop_grace_period", "60s"), "stop_grace_period");
    }

    @Test
    void composeTopicMissing() {
        expectComposeProblem(c -> workerEnv(c).put("SDFLEET_TOPIC_DLQ", "sd.dead"), "topic sd.dead is not created");
    }

    @Test
    void composeWrongImage() {
        expectComposeProblem(c -> service(c, "worker-0").put("image", "sdfleet/wrker:1"), "is not sdfleet/worker");
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

    /** The old .env.example: TRT_HIDDEN_SIZE=768 beside the tiny model, whose UNet is 32 wide. */
    @Test
    void composeHiddenSizeOfAnotherModel() {
        ObjectNode c = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), Map.of("TRT_HIDDEN_SIZE", "768"));
        expect(ComposeChecks.problems("broken", c, COMPOSE, true), "pins TRT_HIDDEN_SIZE=768 but the model it builds");
        expect(ComposeChecks.problems("broken", c, COMPOSE, true), "has cross_attention_dim 32");
    }

    @Test
    void composeThreadsNotTheCpuLimit() {
        expectComposeProblem(c -> service(c, "worker-0").put("cpus", 8),
                "SDFLEET_ORT_INTRA_OP_THREADS is 4 but the CPU limit is 8.0 cores");
    }

    private static ObjectNode engineBuildEnv(ObjectNode compose) {
        return (ObjectNode) service(compose, ComposeChecks.ENGINE_BUILD_SERVICE).with("environment");
    }

    // ---- Kubernetes ----------------------------------------------------------------------------------------

    private static Manifests base() {
        return Manifests.render(ROOT.resolve("k8s/base"));
    }

    private static ObjectNode workload(Manifests k) {
        return k.get(KubernetesChecks.WORKLOAD_KIND, KubernetesChecks.WORKLOAD);
    }

    private static ObjectNode pod(Manifests k) {
        return (ObjectNode) workload(k).with("spec").with("template").with("spec");
    }

    private static ObjectNode container(Manifests k) {
        return (ObjectNode) KubernetesChecks.named(pod(k).path("containers"), KubernetesChecks.CONTAINER);
    }

    private static ObjectNode configMapData(Manifests k) {
        return (ObjectNode) k.get("ConfigMap", "sdfleet-worker-config").with("data");
    }

    private static ObjectNode scaledObject(Manifests k) {
        return k.get("ScaledObject", null);
    }

    private static ObjectNode triggerMetadata(Manifests k) {
        return (ObjectNode) scaledObject(k).path("spec").path("triggers").get(0).with("metadata");
    }

    private static void expectK8sProblem(Consumer<Manifests> breakIt, String expected) {
        Manifests k = base();
        breakIt.accept(k);
        expect(KubernetesChecks.problems(k), expected);
    }

    @Test
    void k8sUnknownFieldInCoreObject() {
        expectK8sProblem(k -> container(k).set("livenessProbes", container(k).get("livenessProbe")), "livenessProbes");
        // a Deployment's field is unknown to a StatefulSet
        expectK8sProblem(k -> ((ObjectNode) workload(k).with("spec")).putObject("strategy").put("type", "RollingUpdate"),
                "strategy");
        expectK8sProblem(k -> ((ObjectNode) k.get("Service", KubernetesChecks.WORKLOAD).with("metadata")).put("label", "x"),
                "label");
    }

    @Test
    void k8sWrongTypeInCoreObject() {
        expectK8sProblem(k -> pod(k).put("terminationGracePeriodSeconds", "ninety"),
                "schema: /spec/template/spec/terminationGracePeriodSeconds: string found");
    }

    @Test
    void k8sUnknownFieldInCustomResource() {
        expectK8sProblem(k -> ((ObjectNode) scaledObject(k).with("spec")).put("maxReplicas", 3), "maxReplicas");
        expectK8sProblem(k -> ((ObjectNode) k.get("ServiceMonitor", null).path("spec").path("endpoints").get(0))
                .put("scrapeTimout", "5s"), "scrapeTimout");
        expectK8sProblem(k -> ((ObjectNode) k.get("TriggerAuthentication", null).path("spec").path("secretTargetRef").get(0))
                .put("secret", "x"), "secret");
    }

    @Test
    void strimziTopicVersionNoLongerServed() {
        ObjectNode topic = Manifests.render(ROOT.resolve("k8s/strimzi")).objects().get(0);
        topic.put("apiVersion", "kafka.strimzi.io/v1beta2");
        expect(DeploySchemas.problems("broken", topic), "kafka.strimzi.io/v1beta2 KafkaTopic is not served");
        ObjectNode v1 = Manifests.render(ROOT.resolve("k8s/strimzi")).objects().get(0);
        ((ObjectNode) v1.with("spec")).put("partitions", "six");
        expect(DeploySchemas.problems("broken", v1), "partitions");
    }

    @Test
    void k8sKedaScalerParameters() {
        expectK8sProblem(k -> triggerMetadata(k).put("consumerGroupId", "x"),
                "trigger metadata 'consumerGroupId' is read by no KEDA kafka scaler parameter");
        expectK8sProblem(k -> triggerMetadata(k).put("ca", "x"), "only from [authParams]");
        expectK8sProblem(k -> triggerMetadata(k).put("offsetResetPolicy", "oldest"), "offsetResetPolicy 'oldest' is not one of");
        expectK8sProblem(k -> triggerMetadata(k).put("lagThreshold", "many"), "lagThreshold 'many' is not a whole number");
        expectK8sProblem(k -> triggerMetadata(k).put("allowIdleConsumers", 1), "allowIdleConsumers must be a string");
        expectK8sProblem(k -> triggerMetadata(k).remove("consumerGroup"), "consumerGroup is required");
        expectK8sProblem(k -> ((ObjectNode) k.get("TriggerAuthentication", null).path("spec").path("secretTargetRef")
                .get(0)).put("parameter", "saslMechanism"), "parameter 'saslMechanism' is read by no");
    }

    @Test
    void k8sKedaTargetAndReplicas() {
        expectK8sProblem(k -> ((ObjectNode) scaledObject(k).path("spec").path("scaleTargetRef")).put("kind", "Deployment"),
                "not apps/v1 StatefulSet sdfleet-worker");
        expectK8sProblem(k -> ((ObjectNode) workload(k).with("spec")).put("replicas", 1),
                "sets spec.replicas 1 although KEDA owns its scale");
    }

    @Test
    void k8sStatefulSetStableIdsAndParallelPods() {
        expectK8sProblem(k -> ((ObjectNode) workload(k).with("spec")).put("podManagementPolicy", "OrderedReady"),
                "must be Parallel");
        expectK8sProblem(k -> ((ObjectNode) workload(k).with("spec")).put("serviceName", "workers"),
                "serviceName 'workers' is no Service");
        expectK8sProblem(k -> ((ObjectNode) k.get("Service", KubernetesChecks.WORKLOAD).with("spec")).remove("clusterIP"),
                "must be headless");
        expectK8sProblem(k -> ((ObjectNode) k.get("PodDisruptionBudget", null).path("spec").path("selector")
                .path("matchLabels")).put("app.kubernetes.io/name", "sdfleet"), "PodDisruptionBudget sdfleet-worker selector");
    }

    @Test
    void k8sKafkaOverTlsWithoutTheClusterCa() {
        expectK8sProblem(k -> configMapData(k).remove("SDFLEET_KAFKA_SSL_TRUSTSTORE_LOCATION"),
                "k8s worker (SDFLEET_KAFKA_SSL_TRUSTSTORE_*): Kafka over TLS with no truststore");
        expectK8sProblem(k -> configMapData(k).put("SDFLEET_KAFKA_SSL_TRUSTSTORE_TYPE", "JKS"), "set PEM");
        expectK8sProblem(k -> ((ObjectNode) KubernetesChecks.named(pod(k).path("volumes"), "kafka-ca").path("secret"))
                .put("secretName", "kafka-ca"), "is key ca.crt of Secret kafka-ca, not key ca.crt of Strimzi's cluster CA Secret");
        expectK8sProblem(k -> ((ObjectNode) k.get("Secret", "sdfleet-kafka-admin").with("stringData")).put("client.properties",
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"), "Job sdfleet-topics /etc/sdfleet/kafka-admin/client.properties");
        expectK8sProblem(k -> ((ArrayNode) k.get("TriggerAuthentication", null).path("spec").path("secretTargetRef"))
                .remove(4), "tls: enable has no ca parameter");
    }

    @Test
    void k8sBootstrapOfAnotherClusterThanTheTopics() {
        // the old files: topics labelled for cluster sdfleet-kafka, workers on sdfleet-kafka-bootstrap (cluster sdfleet)
        expect(KubernetesChecks.problems(base(), new StrimziCluster("sdfleet-kafka", "kafka")),
                "is not the bootstrap Service of the Strimzi cluster 'sdfleet-kafka'");
        expect(KubernetesChecks.problems(base(), new StrimziCluster("sdfleet-kafka", "kafka")),
                "not key ca.crt of Strimzi's cluster CA Secret sdfleet-kafka-cluster-ca-cert");
        expect(new StrimziCluster("sdfleet-kafka", "kafka").bootstrapNamesIn(ROOT.resolve("k8s")),
                "names the bootstrap Service sdfleet-kafka-bootstrap");
    }

    @Test
    void k8sHiddenSizePinnedForAVolumesModel() {
        expectK8sProblem(k -> ((ArrayNode) KubernetesChecks.named(pod(k).path("initContainers"),
                KubernetesChecks.ENGINE_BUILD_CONTAINER).path("env")).addObject().put("name", "TRT_HIDDEN_SIZE").put("value", "768"),
                "pins TRT_HIDDEN_SIZE=768 for a model (/models/sd) these files cannot know");
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
        expectK8sProblem(k -> ((ArrayNode) pod(k).get("initContainers")).removeAll(), "no init container trt-engines");
    }

    @Test
    void k8sThreadsNotTheCpuLimit() {
        expectK8sProblem(k -> ((ObjectNode) container(k).with("resources").with("limits")).put("cpu", "6"),
                "SDFLEET_ORT_INTRA_OP_THREADS is 4 but the CPU limit is 6.0 cores");
    }

    @Test
    void k8sUnknownEnvInConfigMap() {
        expectK8sProblem(k -> configMapData(k).put("SDFLEET_MODEL_PATH", "/models"), "SDFLEET_MODEL_PATH");
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
        expectK8sProblem(k -> ((ObjectNode) scaledObject(k).with("spec")).put("maxReplicaCount", 12),
                "maxReplicaCount 12 > 6 partitions");
        expectK8sProblem(k -> triggerMetadata(k).put("consumerGroup", "workers"), "KEDA consumerGroup is 'workers'");
        expectK8sProblem(k -> configMapData(k).put("SDFLEET_TOPIC_REQUESTS", "jobs"), "KEDA topic is 'sd.requests'");
    }

    @Test
    void k8sWorkerIdNotFromPodName() {
        expectK8sProblem(k -> {
            ObjectNode id = (ObjectNode) KubernetesChecks.named(container(k).get("env"), "SDFLEET_WORKER_ID");
            id.remove("valueFrom");
            id.put("value", "worker-1");
        }, "metadata.name");
    }

    @Test
    void k8sServiceMonitorPath() {
        expectK8sProblem(k -> ((ObjectNode) k.get("ServiceMonitor", null).path("spec").path("endpoints").get(0))
                .put("path", "/prometheus"), "ServiceMonitor path /prometheus");
    }

    @Test
    void kustomizeRefusesAMissingResource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - nope.yaml\n");
        AssertionError e = assertThrows(AssertionError.class, () -> Manifests.render(dir));
        assertTrue(e.getMessage().contains("kustomize") && e.getMessage().contains("nope.yaml"), e.getMessage());
    }

    /** Without kubectl the deploy tests fail, saying why; they never skip. */
    @Test
    void missingKubectlFailsWithAMessage(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Manifests.run(List.of(dir.resolve("kubectl").toString(), "kustomize", "."), dir));
        assertTrue(e.getMessage().contains("kubectl is required by the deploy tests"), e.getMessage());
    }

    // ---- Dockerfiles ---------------------------------------------------------------------------------------

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

    /** The old build stage: sources copied with the poms, one online build on a cache mount. */
    @Test
    void dockerBuildThatNeedsTheNetworkForASourceChange() {
        String old = """
                FROM maven:3.9-eclipse-temurin-17 AS build
                COPY pom.xml ./
                COPY worker/pom.xml worker/
                COPY common/src common/src
                COPY worker/src worker/src
                RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl worker -am package
                FROM eclipse-temurin:17-jre-jammy AS runtime
                """;
        expect(DockerfileChecks.offlineBuildProblems("old", old), "no dependency layer before them");
        expect(DockerfileChecks.offlineBuildProblems("old", old), "cache mount");
        String worker = DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile"));
        expect(DockerfileChecks.offlineBuildProblems("broken", worker.replace("mvn -o -B", "mvn -B")), "must run offline (-o)");
        expect(DockerfileChecks.offlineBuildProblems("broken", worker.replace(" dependency:go-offline", "")),
                "does not resolve them (dependency:go-offline)");
    }

    /** The old header: libdjl_trt.so said to link libnvinfer.so.8 and libnvinfer_plugin.so.8 directly. */
    @Test
    void dockerfileClaimsOtherTensorRtLibrariesThanTheJniNeeds() throws Exception {
        String old = "# its JNI links libnvinfer.so.8,\n# libnvinfer_plugin.so.8 and libnvonnxparser.so.8. Later tags\nFROM x\n";
        expect(DockerfileChecks.tensorRtLinkProblems("old", old, DeploymentFilesTest.djlTensorRtJni()),
                "its ELF dynamic section NEEDs [libnvonnxparser.so.8, libnvparsers.so.8]");
    }

    static void expect(List<String> problems, String fragment) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem containing '" + fragment + "', got " + problems);
    }
}
