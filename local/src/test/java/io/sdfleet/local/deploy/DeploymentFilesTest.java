package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The repository's deployment files hold against the code: compose (GPU and CPU), Kubernetes base, dev
 * overlay and Strimzi topics, the Dockerfiles. Each test prints nothing on success and lists every problem on
 * failure.
 */
class DeploymentFilesTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Map<String, String> DOTENV = DeployFiles.envFile(COMPOSE.resolve(".env.example"));

    @Test
    void everyYamlFileParses() {
        List<Path> files = new ArrayList<>(DeployFiles.yamlFiles(ROOT.resolve("k8s")));
        files.addAll(DeployFiles.yamlFiles(COMPOSE));
        int documents = 0;
        for (Path f : files) {
            documents += DeployFiles.yamlDocuments(f).size();
        }
        System.out.println("deploy: parsed " + files.size() + " YAML files, " + documents + " documents");
        assertTrue(files.size() >= 20, "expected the compose and k8s files, found " + files);
    }

    @Test
    void composeForGpuHosts() {
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
        assertNoProblems(ComposeChecks.problems("compose.yaml", compose, COMPOSE, true));
    }

    @Test
    void composeCpuOverride() {
        ObjectNode merged = ComposeChecks.merge(ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV),
                ComposeChecks.load(COMPOSE.resolve("compose.cpu.yaml"), DOTENV));
        assertNoProblems(ComposeChecks.problems("compose.yaml + compose.cpu.yaml", merged, COMPOSE, false));
        JsonNode env = merged.path("services").path("worker").path("environment");
        assertEquals("onnxruntime", env.path("SDFLEET_RUNTIME").asText());
    }

    @Test
    void kubernetesBase() {
        Kustomize base = Kustomize.build(ROOT.resolve("k8s/base"));
        assertNoProblems(KubernetesChecks.problems(base));
        assertNotNull(base.get("ScaledObject", null), "the base scales with KEDA");
        JsonNode worker = KubernetesChecks.named(base.get("Deployment", KubernetesChecks.DEPLOYMENT)
                .path("spec").path("template").path("spec").path("containers"), KubernetesChecks.CONTAINER);
        assertEquals("1", worker.path("resources").path("limits").path("nvidia.com/gpu").asText());
    }

    @Test
    void kubernetesDevOverlay() {
        Kustomize dev = Kustomize.build(ROOT.resolve("k8s/overlays/dev"));
        assertNoProblems(KubernetesChecks.problems(dev));
        JsonNode pod = dev.get("Deployment", KubernetesChecks.DEPLOYMENT).path("spec").path("template").path("spec");
        assertFalse(pod.toString().contains("nvidia.com/gpu"), "the dev overlay asks for no GPU: " + pod);
        assertEquals(1, dev.get("Deployment", KubernetesChecks.DEPLOYMENT).path("spec").path("replicas").asInt());
        assertEquals("onnxruntime", dev.get("ConfigMap", "sdfleet-worker-config").path("data").path("SDFLEET_RUNTIME").asText());
    }

    @Test
    void strimziTopicsMatchTheConfigurationAndBoundTheScaler() {
        Kustomize strimzi = Kustomize.build(ROOT.resolve("k8s/strimzi"));
        Kustomize base = Kustomize.build(ROOT.resolve("k8s/base"));
        List<String> problems = new ArrayList<>(strimzi.problems());
        Map<String, String> env = DeployFiles.stringMap(base.get("ConfigMap", "sdfleet-worker-config").path("data"));
        for (ObjectNode topic : strimzi.objects()) {
            problems.addAll(KubeSchemas.problems("strimzi", topic));
        }
        for (String name : WorkerContract.topics(env)) {
            if (strimzi.get("KafkaTopic", name) == null) {
                problems.add("no KafkaTopic " + name);
            }
        }
        ObjectNode requests = strimzi.get("KafkaTopic", WorkerContract.requestsTopic(env));
        int max = base.get("ScaledObject", null).path("spec").path("maxReplicaCount").asInt();
        if (requests != null && max > requests.path("spec").path("partitions").asInt()) {
            problems.add("KEDA maxReplicaCount " + max + " > KafkaTopic partitions " + requests.path("spec").path("partitions"));
        }
        assertNoProblems(problems);
    }

    @Test
    void composeTopicPartitionsAreTheSettingsDefault() {
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), Map.of());
        assertEquals(io.sdfleet.common.config.KafkaSettings.DEFAULT_TOPIC_PARTITIONS,
                ComposeChecks.requestPartitions(compose));
    }

    @Test
    void dockerfiles() {
        List<String> problems = new ArrayList<>();
        problems.addAll(DockerfileChecks.problems("worker.Dockerfile",
                DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile")), KnownSettings.WORKER,
                WorkerContract.WORKER_IMAGE, true));
        problems.addAll(DockerfileChecks.problems("producer.Dockerfile",
                DeployFiles.read(ROOT.resolve("docker/producer.Dockerfile")), KnownSettings.PRODUCER,
                WorkerContract.PRODUCER_IMAGE, false));
        assertNoProblems(problems);
    }

    @Test
    void theInitContainerRunsTheScriptTheImageShips() {
        String dockerfile = DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile"));
        Kustomize base = Kustomize.build(ROOT.resolve("k8s/base"));
        JsonNode init = KubernetesChecks.named(base.get("Deployment", KubernetesChecks.DEPLOYMENT).path("spec")
                .path("template").path("spec").path("initContainers"), "trt-engines");
        String command = init.path("command").get(0).asText();
        assertTrue(dockerfile.contains("tools/build-trt-engines.sh " + command),
                "the worker image must COPY tools/build-trt-engines.sh to " + command);
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
        assertEquals(command, compose.path("services").path("trt-engines").path("entrypoint").get(0).asText());
    }

    static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
