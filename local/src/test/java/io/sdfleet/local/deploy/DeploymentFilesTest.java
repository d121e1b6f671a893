package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The repository's deployment files hold against the published schemas and the code: compose (GPU and CPU),
 * Kubernetes base, dev overlay and Strimzi topics (each rendered by {@code kubectl kustomize}), the Dockerfiles.
 * Each test prints nothing on success and lists every problem on failure.
 */
class DeploymentFilesTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path COMPOSE = ROOT.resolve("compose");
    private static final Map<String, String> DOTENV = DeployFiles.envFile(COMPOSE.resolve(".env.example"));

    @Test
    void everyYamlFileParses() {
        List<Path> files = new ArrayList<>(DeployFiles.yamlFiles(ROOT.resolve("k8s")));
        int documents = 0;
        for (Path f : files) {
            documents += DeployFiles.yamlDocuments(f).size();
        }
        for (Path f : DeployFiles.yamlFiles(COMPOSE)) {
            files.add(f);
            documents += DeployFiles.composeDocument(DeployFiles.read(f)).isEmpty() ? 0 : 1;
        }
        System.out.println("deploy: parsed " + files.size() + " YAML files, " + documents + " documents");
        assertTrue(files.size() >= 20, "expected the compose and k8s files, found " + files);
    }

    @Test
    void composeFilesFitComposeSpec() {
        List<String> problems = new ArrayList<>();
        for (Path f : DeployFiles.yamlFiles(COMPOSE)) {
            problems.addAll(DeploySchemas.composeProblems(ROOT.relativize(f).toString(), ComposeChecks.load(f, DOTENV)));
        }
        assertNoProblems(problems);
    }

    @Test
    void composeForGpuHosts() {
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
        assertNoProblems(ComposeChecks.problems("compose.yaml", compose, COMPOSE, true));
    }

    @Test
    void composeCpuOverride() {
        ObjectNode merged = cpuCompose();
        assertNoProblems(ComposeChecks.problems("compose.yaml + compose.cpu.yaml", merged, COMPOSE, false));
        ComposeChecks.workers(merged).forEach((i, w) ->
                assertEquals("onnxruntime", w.path("environment").path("SDFLEET_RUNTIME").asText(), "worker-" + i));
    }

    /** A second model's worker (compose.model-b.yaml) passes every worker check, on its model's own topic. */
    @Test
    void composeSecondModel() {
        ObjectNode merged = ComposeChecks.merge(ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV),
                ComposeChecks.load(COMPOSE.resolve("compose.model-b.yaml"), DOTENV));
        assertNoProblems(ComposeChecks.problems("compose.yaml + compose.model-b.yaml", merged, COMPOSE, true));
        Map<String, String> env = DeployFiles.stringMap(merged.path("services").path("model-b-worker-0")
                .path("environment"));
        assertEquals("sd.requests.sd-b", WorkerContract.requestsTopic(env));
        assertEquals("sdfleet-workers.sd-b", WorkerContract.workerGroup(env));
        Map<String, String> first = DeployFiles.stringMap(merged.path("services").path("worker-0").path("environment"));
        assertEquals("sd.requests", WorkerContract.requestsTopic(first), "the default model keeps the plain topic");
    }

    /**
     * One GPU per worker: with profile workers-k active, compose starts k workers on k different GPUs, each
     * with its own id (dockerd would put every replica of a scaled service with a device count on GPU 0).
     */
    @Test
    void eachComposeWorkerHasItsOwnGpuAndId() {
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
        Map<Integer, JsonNode> workers = ComposeChecks.workers(compose);
        assertTrue(workers.size() >= 2, "more than one GPU per host is served: " + workers.keySet());
        for (int k = 1; k <= workers.size(); k++) {
            List<String> gpus = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i : ComposeChecks.started(workers, k == 1 ? null : ComposeChecks.WORKERS_PROFILE + k)) {
                gpus.addAll(ComposeChecks.gpuIds(workers.get(i)));
                ids.add(workers.get(i).path("environment").path("SDFLEET_WORKER_ID").asText());
            }
            assertEquals(k, gpus.size(), "workers-" + k + " GPUs " + gpus);
            assertEquals(k, gpus.stream().distinct().count(), "workers-" + k + " GPUs " + gpus);
            assertEquals(k, ids.stream().distinct().count(), "workers-" + k + " ids " + ids);
        }
    }

    @Test
    void kubernetesBase() {
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        assertNoProblems(KubernetesChecks.problems(base));
        assertNotNull(base.get("ScaledObject", null), "the base scales with KEDA");
        JsonNode worker = KubernetesChecks.named(KubernetesChecks.pod(workload(base)).path("containers"),
                KubernetesChecks.CONTAINER);
        assertEquals("1", worker.path("resources").path("limits").path("nvidia.com/gpu").asText());
    }

    /**
     * The workers are a StatefulSet (stable names sdfleet-worker-0..N, so stable worker ids for static
     * membership and transactional fencing), KEDA scales that StatefulSet and nothing else sets its replicas.
     */
    @Test
    void kubernetesWorkersAreAStatefulSetThatKedaScales() {
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        ObjectNode workload = workload(base);
        assertNotNull(workload, "StatefulSet " + KubernetesChecks.WORKLOAD);
        assertTrue(base.all("Deployment").isEmpty(), "no Deployment of workers besides: " + base.all("Deployment"));
        JsonNode target = base.get("ScaledObject", null).path("spec").path("scaleTargetRef");
        assertEquals(List.of("apps/v1", "StatefulSet", KubernetesChecks.WORKLOAD),
                List.of(target.path("apiVersion").asText(), target.path("kind").asText(), target.path("name").asText()));
        assertFalse(workload.path("spec").has("replicas"), "KEDA owns the scale: " + workload.path("spec").path("replicas"));
        assertEquals("Parallel", workload.path("spec").path("podManagementPolicy").asText());
        assertEquals("None", base.get("Service", workload.path("spec").path("serviceName").asText())
                .path("spec").path("clusterIP").asText());
    }

    @Test
    void kubernetesDevOverlay() {
        Manifests dev = Manifests.render(ROOT.resolve("k8s/overlays/dev"));
        assertNoProblems(KubernetesChecks.problems(dev));
        JsonNode pod = KubernetesChecks.pod(workload(dev));
        assertFalse(pod.toString().contains("nvidia.com/gpu"), "the dev overlay asks for no GPU: " + pod);
        assertEquals(1, workload(dev).path("spec").path("replicas").asInt());
        assertEquals("onnxruntime", dev.get("ConfigMap", "sdfleet-worker-config").path("data").path("SDFLEET_RUNTIME").asText());
        assertFalse(dev.objects().toString().contains(StrimziCluster.ofRepository().caSecret()),
                "plaintext dev Kafka: no CA to mount");
    }

    /**
     * A second model is k8s/model renamed: its own StatefulSet, Service, budget, volume, topic Job and ScaledObject on
     * its topic and group as the code routes them; every check of the base holds for each model's workload.
     */
    @Test
    void kubernetesTwoModelsOverlay() {
        Manifests two = Manifests.render(ROOT.resolve("k8s/overlays/two-models"));
        assertNoProblems(KubernetesChecks.problems(two));
        List<ObjectNode> workloads = KubernetesChecks.workloads(two);
        assertEquals(List.of("sdfleet-worker", "sdfleet-worker-sd15-inpaint"),
                workloads.stream().map(KubernetesChecks::name).toList());
        ObjectNode inpaint = workloads.get(1);
        Map<String, String> env = KubernetesChecks.workerEnv(two, KubernetesChecks.named(
                KubernetesChecks.pod(inpaint).path("containers"), KubernetesChecks.CONTAINER), new ArrayList<>());
        assertEquals("sd15-inpaint", WorkerContract.modelName(env));
        assertEquals("sd.requests.sd15-inpaint", WorkerContract.requestsTopic(env));
        assertEquals("sdfleet-workers.sd15-inpaint", WorkerContract.workerGroup(env));
        JsonNode trigger = two.get("ScaledObject", "sdfleet-worker-sd15-inpaint").path("spec").path("triggers").get(0);
        assertEquals("sd.requests.sd15-inpaint", trigger.path("metadata").path("topic").asText());
        assertEquals(2, two.all("PodDisruptionBudget").size());
        assertEquals(2, two.all("PersistentVolumeClaim").size());
        assertEquals("sdfleet-models-sd15-inpaint", KubernetesChecks.named(KubernetesChecks.pod(inpaint)
                .path("volumes"), "models").path("persistentVolumeClaim").path("claimName").asText());
    }

    @Test
    void strimziTopicsMatchTheConfigurationAndBoundTheScaler() {
        Manifests strimzi = Manifests.render(ROOT.resolve("k8s/strimzi"));
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        List<String> problems = new ArrayList<>();
        Map<String, String> env = DeployFiles.stringMap(base.get("ConfigMap", "sdfleet-worker-config").path("data"));
        for (ObjectNode topic : strimzi.objects()) {
            problems.addAll(DeploySchemas.problems("strimzi", topic));
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

    /**
     * The topics' cluster label names the cluster whose bootstrap Service every Kafka address under k8s/ uses:
     * the Service Strimzi creates for cluster C is C-kafka-bootstrap, in C's namespace.
     */
    @Test
    void everyBootstrapAddressIsTheTopicsStrimziCluster() {
        StrimziCluster cluster = StrimziCluster.ofRepository();
        List<String> problems = new ArrayList<>(cluster.bootstrapNamesIn(ROOT.resolve("k8s")));
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        String servers = base.get("ConfigMap", "sdfleet-worker-config").path("data").path("SDFLEET_BOOTSTRAP_SERVERS").asText();
        problems.addAll(cluster.bootstrapProblems("k8s/base SDFLEET_BOOTSTRAP_SERVERS", servers));
        assertTrue(servers.startsWith(cluster.bootstrapHost() + ":"), "the base talks to the topics' cluster: " + servers);
        for (ObjectNode so : base.all("ScaledObject")) {
            for (JsonNode t : so.path("spec").path("triggers")) {
                problems.addAll(cluster.bootstrapProblems("KEDA", t.path("metadata").path("bootstrapServers").asText()));
            }
        }
        assertNoProblems(problems);
        System.out.println("deploy: Strimzi cluster " + cluster.name() + ", bootstrap " + cluster.bootstrapHost()
                + ", CA Secret " + cluster.caSecret());
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
        String worker = DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile"));
        String producer = DeployFiles.read(ROOT.resolve("docker/producer.Dockerfile"));
        problems.addAll(DockerfileChecks.problems("worker.Dockerfile", worker, KnownSettings.WORKER,
                WorkerContract.WORKER_IMAGE, true));
        problems.addAll(DockerfileChecks.problems("producer.Dockerfile", producer, KnownSettings.PRODUCER,
                WorkerContract.PRODUCER_IMAGE, false));
        assertNoProblems(problems);
    }

    /** A source change rebuilds both images offline: their Maven dependencies are a layer of their own. */
    @Test
    void dockerBuildsResolveDependenciesInTheirOwnLayerAndBuildOffline() {
        List<String> problems = new ArrayList<>();
        for (String f : List.of("worker.Dockerfile", "producer.Dockerfile")) {
            problems.addAll(DockerfileChecks.offlineBuildProblems(f, DeployFiles.read(ROOT.resolve("docker").resolve(f))));
        }
        assertNoProblems(problems);
    }

    /** The worker Dockerfile says which TensorRT libraries DJL's JNI needs, as its ELF header says. */
    @Test
    void workerDockerfileNamesTheTensorRtLibrariesTheJniNeeds() throws IOException {
        assertNoProblems(DockerfileChecks.tensorRtLinkProblems("worker.Dockerfile",
                DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile")), djlTensorRtJni()));
    }

    /** libdjl_trt.so out of the ai.djl.tensorrt jar on the class path. */
    static byte[] djlTensorRtJni() throws IOException {
        try (InputStream in = DeploymentFilesTest.class.getClassLoader()
                .getResourceAsStream("native/lib/linux-x86_64/libdjl_trt.so")) {
            assertNotNull(in, "ai.djl.tensorrt's native/lib/linux-x86_64/libdjl_trt.so on the class path");
            return in.readAllBytes();
        }
    }

    @Test
    void theInitContainerRunsTheScriptTheImageShips() {
        String dockerfile = DeployFiles.read(ROOT.resolve("docker/worker.Dockerfile"));
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        JsonNode init = KubernetesChecks.named(KubernetesChecks.pod(workload(base)).path("initContainers"), "trt-engines");
        String command = init.path("command").get(0).asText();
        assertTrue(dockerfile.contains("tools/build-trt-engines.sh " + command),
                "the worker image must COPY tools/build-trt-engines.sh to " + command);
        ObjectNode compose = ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV);
        assertEquals(command, compose.path("services").path("trt-engines").path("entrypoint").get(0).asText());
    }

    static ObjectNode cpuCompose() {
        return ComposeChecks.merge(ComposeChecks.load(COMPOSE.resolve("compose.yaml"), DOTENV),
                ComposeChecks.load(COMPOSE.resolve("compose.cpu.yaml"), DOTENV));
    }

    static ObjectNode workload(Manifests k) {
        return k.get(KubernetesChecks.WORKLOAD_KIND, KubernetesChecks.WORKLOAD);
    }

    static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
