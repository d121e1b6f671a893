package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks of a compose file (already interpolated and, for an override, merged): the workers scale (no fixed
 * name or host port, id from the host name), reserve a GPU when asked, read only known settings and get the
 * required ones, stop within a grace longer than the worker's; the topic one-shot creates the configured
 * topics with at least as many partitions as there are workers asked for; images match the Dockerfiles; the
 * worker's environment passes the worker's own validation and the engine-build service sees the same engine
 * settings ({@link WorkerEnvChecks}).
 */
final class ComposeChecks {
    /** The one-shot service that runs tools/build-trt-engines.sh before the workers start. */
    static final String ENGINE_BUILD_SERVICE = "trt-engines";

    private ComposeChecks() {
    }

    /** Reads a compose file with compose's interpolation from the example env file. */
    static ObjectNode load(Path file, Map<String, String> dotenv) {
        return DeployFiles.yamlDocuments(DeployFiles.interpolate(DeployFiles.read(file), dotenv)).get(0);
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

    static List<String> problems(String where, ObjectNode compose, Path composeDir, boolean expectGpu) {
        List<String> problems = new ArrayList<>();
        JsonNode services = compose.path("services");
        JsonNode worker = services.path("worker");
        if (worker.isMissingNode()) {
            return List.of(where + ": no worker service");
        }
        Map<String, String> env = DeployFiles.stringMap(worker.path("environment"));
        problems.addAll(KnownSettings.WORKER.problems(where + " worker", env, true));
        problems.addAll(WorkerEnvChecks.validate(where + " worker", env));
        problems.addAll(WorkerEnvChecks.threadProblems(where + " worker", env,
                worker.has("cpus") ? worker.get("cpus").asDouble() : null));
        JsonNode engines = services.path(ENGINE_BUILD_SERVICE);
        if (engines.isMissingNode()) {
            problems.add(where + ": no " + ENGINE_BUILD_SERVICE + " service builds the worker's TensorRT engines");
        } else {
            problems.addAll(WorkerEnvChecks.engineBuildProblems(where + " " + ENGINE_BUILD_SERVICE, env,
                    DeployFiles.stringMap(engines.path("environment"))));
        }
        if (worker.has("container_name")) {
            problems.add(where + ": worker has a container_name: --scale worker=N needs distinct names");
        }
        if (worker.has("ports")) {
            problems.add(where + ": worker publishes host ports: a second replica could not bind them (use expose)");
        }
        if (env.containsKey("SDFLEET_WORKER_ID")) {
            problems.add(where + ": SDFLEET_WORKER_ID set: all replicas would share one transactional id");
        }
        boolean gpu = false;
        for (JsonNode d : worker.path("deploy").path("resources").path("reservations").path("devices")) {
            boolean hasGpu = false;
            for (JsonNode c : d.path("capabilities")) {
                hasGpu |= "gpu".equals(c.asText());
            }
            gpu |= hasGpu && d.path("count").asInt(0) == 1;
        }
        if (gpu != expectGpu) {
            problems.add(where + ": worker " + (expectGpu ? "must reserve exactly one GPU (devices: count 1, "
                    + "capabilities [gpu])" : "must reserve no GPU"));
        }
        long stop = WorkerContract.composeSeconds(worker.path("stop_grace_period").asText("10s"));
        long grace = WorkerContract.shutdownGrace(env).toSeconds();
        if (stop <= grace) {
            problems.add(where + ": worker stop_grace_period " + stop + "s must exceed SDFLEET_SHUTDOWN_GRACE " + grace + "s");
        }
        String port = String.valueOf(WorkerContract.httpPort(env));
        boolean exposed = false;
        for (JsonNode e : worker.path("expose")) {
            exposed |= port.equals(e.asText());
        }
        if (!exposed) {
            problems.add(where + ": worker does not expose its health/metrics port " + port);
        }
        String script = String.join("\n", texts(services.path("topics-init").path("command")));
        problems.addAll(WorkerContract.topicScriptProblems(where + " topics-init", script, env));
        JsonNode producer = services.path("producer");
        if (!producer.isMissingNode()) {
            problems.addAll(KnownSettings.PRODUCER.problems(where + " producer",
                    DeployFiles.stringMap(producer.path("environment")), true));
            List<String> command = texts(producer.path("command"));
            if (command.isEmpty() || !command.get(0).equals("submit") || !command.contains("--wait")) {
                problems.add(where + ": the example producer must run `submit ... --wait`, runs " + command);
            }
        }
        for (String name : List.of("worker", "trt-engines", "producer")) {
            JsonNode s = services.path(name);
            if (!s.isMissingNode()) {
                problems.addAll(imageProblems(where + " " + name, s, composeDir,
                        name.equals("producer") ? WorkerContract.PRODUCER_IMAGE : WorkerContract.WORKER_IMAGE));
            }
        }
        if (!env.getOrDefault("SDFLEET_BOOTSTRAP_SERVERS", "").isEmpty()) {
            String advertised = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
            if (!advertised.contains("//" + env.get("SDFLEET_BOOTSTRAP_SERVERS"))) {
                problems.add(where + ": SDFLEET_BOOTSTRAP_SERVERS " + env.get("SDFLEET_BOOTSTRAP_SERVERS")
                        + " is no advertised listener of kafka (" + advertised + ")");
            }
        }
        return problems;
    }

    /** Requests-topic partitions the topic one-shot creates, or null. */
    static Integer requestPartitions(ObjectNode compose) {
        Map<String, String> env = DeployFiles.stringMap(compose.path("services").path("worker").path("environment"));
        String script = String.join("\n", texts(compose.path("services").path("topics-init").path("command")));
        return WorkerContract.createdTopics(script).get(WorkerContract.requestsTopic(env));
    }

    private static List<String> imageProblems(String where, JsonNode service, Path composeDir, String repository) {
        List<String> problems = new ArrayList<>();
        String image = service.path("image").asText();
        if (!Kustomize.repository(image).equals(repository)) {
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
