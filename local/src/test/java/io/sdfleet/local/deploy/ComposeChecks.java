package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a compose file (already interpolated and, for an override, merged): one service per worker
 * ({@code worker-<n>}), each with its own fixed id and, on a GPU host, its own GPU by {@code device_ids}
 * (dockerd gives every replica of a service with a device {@code count} the same first GPU, so {@code --scale}
 * cannot spread workers over GPUs); profile {@code workers-<k>} starts exactly workers 0..k-1. Each worker reads
 * only known settings and gets the required ones, stops within a grace longer than the worker's, exposes its
 * port and no host port; the topic one-shot creates the configured topics; images match the Dockerfiles; each
 * worker's environment passes the worker's own validation and the engine-build service sees the same engine
 * settings ({@link WorkerEnvChecks}).
 */
final class ComposeChecks {
    /** The one-shot service that runs tools/build-trt-engines.sh before the workers start. */
    static final String ENGINE_BUILD_SERVICE = "trt-engines";
    /** Worker services are named worker-0, worker-1, ... */
    static final Pattern WORKER_SERVICE = Pattern.compile("worker-(\\d+)");
    /** Workers of a further model: {@code <prefix>-worker-<n>}, with {@code <prefix>-trt-engines} and {@code <prefix>-topics}. */
    static final Pattern MODEL_WORKER_SERVICE = Pattern.compile("(.+)-worker-(\\d+)");
    static final String WORKERS_PROFILE = "workers-";

    private ComposeChecks() {
    }

    /** Reads a compose file with compose's interpolation from the example env file (anchors and merge keys resolved). */
    static ObjectNode load(Path file, Map<String, String> dotenv) {
        return DeployFiles.composeDocument(DeployFiles.interpolate(DeployFiles.read(file), dotenv));
    }

    /** Compose's merge of an override, for the keys used here: environment maps merge, others are replaced. */
    static ObjectNode merge(ObjectNode base, ObjectNode override) {
        ObjectNode merged = base.deepCopy();
        override.path("services").fields().forEachRemaining(s -> {
            ObjectNode service = (ObjectNode) merged.with("services").with(s.getKey());
            s.getValue().fields().forEachRemaining(f -> {
                if (f.getKey().equals("environment") && service.path("environment").isObject()) {
                    ((ObjectNode) service.get("environment")).setAll((ObjectNode) f.getValue());
                } else {
                    service.set(f.getKey(), f.getValue());
                }
            });
        });
        return merged;
    }

    /** The worker services by index, in index order. */
    static Map<Integer, JsonNode> workers(JsonNode compose) {
        Map<Integer, JsonNode> out = new java.util.TreeMap<>();
        compose.path("services").fields().forEachRemaining(e -> {
            Matcher m = WORKER_SERVICE.matcher(e.getKey());
            if (m.matches()) {
                out.put(Integer.parseInt(m.group(1)), e.getValue());
            }
        });
        return out;
    }

    static List<String> problems(String where, ObjectNode compose, Path composeDir, boolean expectGpu) {
        List<String> problems = new ArrayList<>();
        JsonNode services = compose.path("services");
        Map<Integer, JsonNode> workers = workers(compose);
        if (workers.isEmpty()) {
            return List.of(where + ": no worker service (worker-0, worker-1, ...)");
        }
        services.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("worker") && !WORKER_SERVICE.matcher(e.getKey()).matches()) {
                problems.add(where + ": service " + e.getKey() + " is not named worker-<n>: the checks (and the "
                        + "profiles) would miss it");
            }
        });
        Map<String, String> ids = new HashMap<>();
        Map<String, String> gpus = new HashMap<>();
        for (Map.Entry<Integer, JsonNode> w : workers.entrySet()) {
            String name = "worker-" + w.getKey();
            problems.addAll(worker(where + " " + name, w.getValue(), services, composeDir, expectGpu));
            Map<String, String> env = DeployFiles.stringMap(w.getValue().path("environment"));
            String id = env.get("SDFLEET_WORKER_ID");
            if (id == null) {
                problems.add(where + " " + name + ": SDFLEET_WORKER_ID unset: the id would be the container's host name,"
                        + " which a recreated container does not keep");
            } else if (ids.putIfAbsent(id, name) != null) {
                problems.add(where + " " + name + ": SDFLEET_WORKER_ID " + id + " is also " + ids.get(id)
                        + "'s: two live workers with one id fence each other's transactions");
            }
            for (String gpu : gpuIds(w.getValue())) {
                if (gpus.putIfAbsent(gpu, name) != null) {
                    problems.add(where + " " + name + ": GPU " + gpu + " is also reserved by " + gpus.get(gpu));
                }
            }
        }
        problems.addAll(profileProblems(where, workers));
        JsonNode engines = services.path(ENGINE_BUILD_SERVICE);
        if (!engines.isMissingNode()) {
            problems.addAll(imageProblems(where + " " + ENGINE_BUILD_SERVICE, engines, composeDir, WorkerContract.WORKER_IMAGE));
            Map<String, String> buildEnv = DeployFiles.stringMap(engines.path("environment"));
            String modelDir = WorkerEnvChecks.processEnv(buildEnv).get("SDFLEET_MODEL_DIR");
            problems.addAll(EngineHiddenSize.problems(where + " " + ENGINE_BUILD_SERVICE, buildEnv.get(EngineHiddenSize.VARIABLE),
                    modelDir, EngineHiddenSize.resolve(modelDir, bindMounts(engines, composeDir))));
        }
        Map<String, String> firstEnv = DeployFiles.stringMap(workers.values().iterator().next().path("environment"));
        String topicScript = String.join("\n", texts(services.path("topics-init").path("command")));
        problems.addAll(WorkerContract.topicScriptProblems(where + " topics-init", topicScript, firstEnv));
        Integer partitions = WorkerContract.createdTopics(topicScript).get(WorkerContract.requestsTopic(firstEnv));
        if (partitions != null && partitions < workers.size()) {
            problems.add(where + ": " + workers.size() + " worker services but " + partitions + " partitions of "
                    + WorkerContract.requestsTopic(firstEnv) + ": the extra workers would idle");
        }
        problems.addAll(modelWorkers(where, compose, composeDir, expectGpu, ids, topicScript));
        JsonNode producer = services.path("producer");
        if (!producer.isMissingNode()) {
            problems.addAll(KnownSettings.PRODUCER.problems(where + " producer",
                    DeployFiles.stringMap(producer.path("environment")), true));
            List<String> command = texts(producer.path("command"));
            if (command.isEmpty() || !command.get(0).equals("submit") || !command.contains("--wait")) {
                problems.add(where + ": the example producer must run `submit ... --wait`, runs " + command);
            }
            problems.addAll(imageProblems(where + " producer", producer, composeDir, WorkerContract.PRODUCER_IMAGE));
        }
        return problems;
    }

    /** Checks of one worker service. */
    private static List<String> worker(String where, JsonNode worker, JsonNode services, Path composeDir,
            boolean expectGpu) {
        return worker(where, worker, services, composeDir, expectGpu, ENGINE_BUILD_SERVICE);
    }

    private static List<String> worker(String where, JsonNode worker, JsonNode services, Path composeDir,
            boolean expectGpu, String engineService) {
        List<String> problems = new ArrayList<>();
        Map<String, String> env = DeployFiles.stringMap(worker.path("environment"));
        problems.addAll(KnownSettings.WORKER.problems(where, env, true));
        problems.addAll(WorkerEnvChecks.validate(where, env));
        problems.addAll(WorkerEnvChecks.threadProblems(where, env, worker.has("cpus") ? worker.get("cpus").asDouble() : null));
        JsonNode engines = services.path(engineService);
        if (engines.isMissingNode()) {
            problems.add(where + ": no " + engineService + " service builds the worker's TensorRT engines");
        } else {
            problems.addAll(WorkerEnvChecks.engineBuildProblems(where + " / " + engineService, env,
                    DeployFiles.stringMap(engines.path("environment"))));
        }
        if (worker.has("container_name")) {
            problems.add(where + ": has a container_name: a project copy on the same host could not start it");
        }
        if (worker.has("ports")) {
            problems.add(where + ": publishes host ports: two workers could not bind them (use expose)");
        }
        if (worker.path("deploy").path("replicas").asInt(1) != 1 || worker.has("scale")) {
            problems.add(where + ": more than one replica: every replica would have the same id and GPU");
        }
        List<String> gpus = gpuIds(worker);
        boolean counted = false;
        for (JsonNode d : worker.path("deploy").path("resources").path("reservations").path("devices")) {
            counted |= d.has("count");
        }
        if (expectGpu && (gpus.size() != 1 || counted)) {
            problems.add(where + " must reserve exactly one GPU by device_ids (capabilities [gpu]), reserves "
                    + gpus + (counted ? " and a device count (dockerd maps a count to the first GPUs, the same for "
                    + "every worker)" : ""));
        } else if (!expectGpu && (!gpus.isEmpty() || counted)) {
            problems.add(where + " must reserve no GPU");
        }
        long stop = WorkerContract.composeSeconds(worker.path("stop_grace_period").asText("10s"));
        long grace = WorkerContract.shutdownGrace(env).toSeconds();
        if (stop <= grace) {
            problems.add(where + ": stop_grace_period " + stop + "s must exceed SDFLEET_SHUTDOWN_GRACE " + grace + "s");
        }
        String port = String.valueOf(WorkerContract.httpPort(env));
        boolean exposed = false;
        for (JsonNode e : worker.path("expose")) {
            exposed |= port.equals(e.asText());
        }
        if (!exposed) {
            problems.add(where + ": does not expose its health/metrics port " + port);
        }
        problems.addAll(imageProblems(where, worker, composeDir, WorkerContract.WORKER_IMAGE));
        if (!env.getOrDefault("SDFLEET_BOOTSTRAP_SERVERS", "").isEmpty()) {
            String advertised = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
            if (!advertised.contains("//" + env.get("SDFLEET_BOOTSTRAP_SERVERS"))) {
                problems.add(where + ": SDFLEET_BOOTSTRAP_SERVERS " + env.get("SDFLEET_BOOTSTRAP_SERVERS")
                        + " is no advertised listener of kafka (" + advertised + ")");
            }
        }
        return problems;
    }

    /**
     * The workers of further models ({@code <prefix>-worker-<n>}, compose.model-b.yaml): each passes every check of
     * a worker (its engines built by {@code <prefix>-trt-engines}), has an id of its own, starts only with a profile,
     * reads a topic that topics-init or {@code <prefix>-topics} creates, agrees with worker-0 on the default model
     * and serves another one, and takes another GPU than worker-0 (which always runs).
     */
    static List<String> modelWorkers(String where, JsonNode compose, Path composeDir, boolean expectGpu,
            Map<String, String> ids, String sharedTopicScript) {
        List<String> problems = new ArrayList<>();
        JsonNode services = compose.path("services");
        Map<Integer, JsonNode> workers = workers(compose);
        Map<String, String> firstEnv = DeployFiles.stringMap(workers.values().iterator().next().path("environment"));
        List<String> firstGpus = gpuIds(workers.values().iterator().next());
        services.fields().forEachRemaining(e -> {
            Matcher m = MODEL_WORKER_SERVICE.matcher(e.getKey());
            if (!m.matches() || WORKER_SERVICE.matcher(e.getKey()).matches()) {
                return;
            }
            String name = e.getKey();
            String prefix = m.group(1);
            JsonNode w = e.getValue();
            problems.addAll(worker(where + " " + name, w, services, composeDir, expectGpu, prefix + "-trt-engines"));
            Map<String, String> env = DeployFiles.stringMap(w.path("environment"));
            String id = env.get("SDFLEET_WORKER_ID");
            if (id == null || ids.putIfAbsent(id, name) != null) {
                problems.add(where + " " + name + ": SDFLEET_WORKER_ID " + id + " unset or also another worker's");
            }
            if (texts(w.path("profiles")).isEmpty()) {
                problems.add(where + " " + name + ": a further model's worker starts only with its profile");
            }
            String script = sharedTopicScript + "\n" + String.join("\n", texts(services.path(prefix + "-topics")
                    .path("command")));
            problems.addAll(WorkerContract.topicScriptProblems(where + " " + name + " topics", script, env));
            String defaultModel = env.getOrDefault("SDFLEET_DEFAULT_MODEL", "");
            if (defaultModel.isEmpty() || !defaultModel.equals(firstEnv.getOrDefault("SDFLEET_DEFAULT_MODEL", ""))) {
                problems.add(where + " " + name + ": SDFLEET_DEFAULT_MODEL '" + defaultModel + "' must be worker-0's ('"
                        + firstEnv.getOrDefault("SDFLEET_DEFAULT_MODEL", "") + "'), the same on every worker");
            }
            if (WorkerContract.modelName(env).equals(WorkerContract.modelName(firstEnv))) {
                problems.add(where + " " + name + ": serves " + WorkerContract.modelName(env) + ", worker-0's model");
            }
            for (String gpu : gpuIds(w)) {
                if (firstGpus.contains(gpu)) {
                    problems.add(where + " " + name + ": GPU " + gpu + " is also worker-0's");
                }
            }
        });
        return problems;
    }

    /** Container path → host folder of a service's bind mounts (short syntax {@code ./host:/container[:ro]}). */
    static Map<String, Path> bindMounts(JsonNode service, Path composeDir) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (JsonNode v : service.path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                out.put(parts[1], composeDir.resolve(parts[0]).normalize());
            }
        }
        return out;
    }

    /** GPU ids a service reserves by {@code device_ids} (capabilities containing gpu). */
    static List<String> gpuIds(JsonNode service) {
        List<String> ids = new ArrayList<>();
        for (JsonNode d : service.path("deploy").path("resources").path("reservations").path("devices")) {
            boolean gpu = false;
            for (JsonNode c : d.path("capabilities")) {
                gpu |= "gpu".equals(c.asText());
            }
            if (gpu) {
                d.path("device_ids").forEach(id -> ids.add(id.asText()));
            }
        }
        return ids;
    }

    /**
     * The services each {@code workers-<k>} profile starts: worker-0 has no profile (it always runs), and
     * profile workers-k must start exactly worker-0..worker-(k-1), for every k up to the number of workers.
     */
    static List<String> profileProblems(String where, Map<Integer, JsonNode> workers) {
        List<String> problems = new ArrayList<>();
        for (int k = 1; k <= workers.size(); k++) {
            List<Integer> started = started(workers, k == 1 ? null : WORKERS_PROFILE + k);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                expected.add(i);
            }
            if (!started.equals(expected)) {
                problems.add(where + ": " + (k == 1 ? "no profile" : "profile " + WORKERS_PROFILE + k)
                        + " starts workers " + started + ", must start " + expected);
            }
        }
        return problems;
    }

    /** Indexes of the worker services compose starts with one profile active (null: none). */
    static List<Integer> started(Map<Integer, JsonNode> workers, String profile) {
        List<Integer> out = new ArrayList<>();
        workers.forEach((i, w) -> {
            List<String> profiles = texts(w.path("profiles"));
            if (profiles.isEmpty() || profiles.contains(profile)) {
                out.add(i);
            }
        });
        return out;
    }

    /** Requests-topic partitions the topic one-shot creates, or null. */
    static Integer requestPartitions(ObjectNode compose) {
        Map<String, String> env = DeployFiles.stringMap(workers(compose).values().iterator().next().path("environment"));
        String script = String.join("\n", texts(compose.path("services").path("topics-init").path("command")));
        return WorkerContract.createdTopics(script).get(WorkerContract.requestsTopic(env));
    }

    /** Environment of every service, by service name. */
    static Map<String, Map<String, String>> environments(JsonNode compose) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(e -> out.put(e.getKey(),
                DeployFiles.stringMap(e.getValue().path("environment"))));
        return out;
    }

    private static List<String> imageProblems(String where, JsonNode service, Path composeDir, String repository) {
        List<String> problems = new ArrayList<>();
        String image = service.path("image").asText();
        if (!Manifests.repository(image).equals(repository)) {
            problems.add(where + ": image " + image + " is not " + repository);
        }
        String dockerfile = service.path("build").path("dockerfile").asText(null);
        if (dockerfile != null) {
            Path file = composeDir.resolve(service.path("build").path("context").asText(".")).resolve(dockerfile).normalize();
            if (!Files.isRegularFile(file)) {
                problems.add(where + ": build dockerfile " + file + " does not exist");
            } else if (!repository.equals(DockerfileChecks.imageName(DeployFiles.read(file)))) {
                problems.add(where + ": " + file.getFileName() + " builds " + DockerfileChecks.imageName(DeployFiles.read(file))
                        + ", not " + repository);
            }
        }
        return problems;
    }

    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        return out;
    }
}
