package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.worker.runtime.RuntimeKind;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross checks of one built set of Kubernetes objects (a kustomization) against the worker's code: the
 * worker's environment, ports and probes, grace period, Service and ServiceMonitor, KEDA's group, topic and
 * replica bound, the topic Job, and image names; the worker's environment passes the worker's own validation,
 * its CPU limit matches its ONNX Runtime threads, and the engine-build init container sees the worker's engine
 * settings ({@link WorkerEnvChecks}). Returns problems; asserts nothing.
 */
final class KubernetesChecks {
    static final String DEPLOYMENT = "sdfleet-worker";
    static final String CONTAINER = "worker";
    /** The init container that runs tools/build-trt-engines.sh. */
    static final String ENGINE_BUILD_CONTAINER = "trt-engines";

    private KubernetesChecks() {
    }

    static List<String> problems(Kustomize k) {
        List<String> problems = new ArrayList<>(k.problems());
        for (ObjectNode o : k.objects()) {
            problems.addAll(KubeSchemas.problems("k8s", o));
        }
        ObjectNode deployment = k.get("Deployment", DEPLOYMENT);
        if (deployment == null) {
            problems.add("no Deployment " + DEPLOYMENT);
            return problems;
        }
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = named(pod.path("containers"), CONTAINER);
        if (container == null) {
            problems.add("Deployment " + DEPLOYMENT + " has no container " + CONTAINER);
            return problems;
        }
        Map<String, String> env = workerEnv(k, container, problems);
        problems.addAll(KnownSettings.WORKER.problems("k8s worker env", env, true));
        problems.addAll(WorkerEnvChecks.validate("k8s worker env", env));
        problems.addAll(WorkerEnvChecks.threadProblems("k8s worker env", env, WorkerEnvChecks.kubernetesCpu(
                DeployFiles.text(container.path("resources").path("limits").get("cpu")))));
        if (env.containsKey("SDFLEET_WORKER_ID")
                && !"metadata.name".equals(fieldRef(container, "SDFLEET_WORKER_ID"))) {
            problems.add("SDFLEET_WORKER_ID must come from metadata.name (downward API): one stable id per pod");
        }
        for (JsonNode init : pod.path("initContainers")) {
            for (JsonNode e : init.path("env")) {
                problems.addAll(KnownSettings.WORKER.problemsOf("k8s init container " + init.path("name").asText(),
                        e.path("name").asText()));
            }
            problems.addAll(image("init container " + init.path("name").asText(), init, WorkerContract.WORKER_IMAGE));
            if (ENGINE_BUILD_CONTAINER.equals(init.path("name").asText())) {
                problems.addAll(WorkerEnvChecks.engineBuildProblems("k8s init container " + ENGINE_BUILD_CONTAINER,
                        env, workerEnv(k, init, problems)));
            }
        }
        if (RuntimeKind.TENSORRT.configValue().equalsIgnoreCase(
                WorkerEnvChecks.processEnv(env).getOrDefault(RuntimeSettings.KIND.name(), "").strip())
                && named(pod.path("initContainers"), ENGINE_BUILD_CONTAINER) == null) {
            problems.add("SDFLEET_RUNTIME=tensorrt but no init container " + ENGINE_BUILD_CONTAINER
                    + " builds the engines");
        }
        problems.addAll(image("worker container", container, WorkerContract.WORKER_IMAGE));
        problems.addAll(probes(container, env));
        problems.addAll(grace(pod, container, env));
        problems.addAll(metricsService(k));
        problems.addAll(topicsAndKeda(k, env));
        return problems;
    }

    /**
     * ConfigMap data + Secret keys from envFrom, then env entries; a configMapKeyRef entry takes the ConfigMap's
     * value, other valueFrom entries (downward API, secrets) map to null.
     */
    static Map<String, String> workerEnv(Kustomize k, JsonNode container, List<String> problems) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                String name = from.path("configMapRef").path("name").asText();
                ObjectNode cm = k.get("ConfigMap", name);
                if (cm == null) {
                    problems.add("envFrom ConfigMap " + name + " does not exist");
                } else {
                    env.putAll(DeployFiles.stringMap(cm.path("data")));
                }
            }
            if (from.has("secretRef")) {
                String name = from.path("secretRef").path("name").asText();
                ObjectNode secret = k.get("Secret", name);
                if (secret == null) {
                    problems.add("envFrom Secret " + name + " does not exist");
                } else {
                    env.putAll(DeployFiles.stringMap(secret.path("stringData")));
                    secret.path("data").fieldNames().forEachRemaining(n -> env.put(n, null));
                }
            }
        }
        for (JsonNode e : container.path("env")) {
            JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
            String value = e.has("value") ? e.path("value").asText() : null;
            if (!ref.isMissingNode()) {
                ObjectNode cm = k.get("ConfigMap", ref.path("name").asText());
                value = cm == null ? null : DeployFiles.text(cm.path("data").get(ref.path("key").asText()));
                if (value == null) {
                    problems.add("env " + e.path("name").asText() + " refers to ConfigMap " + ref.path("name").asText()
                            + " key " + ref.path("key").asText() + ", which does not exist");
                }
            }
            env.put(e.path("name").asText(), value);
        }
        return env;
    }

    private static String fieldRef(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return DeployFiles.text(e.path("valueFrom").path("fieldRef").get("fieldPath"));
            }
        }
        return null;
    }

    static List<String> probes(JsonNode container, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        int port = WorkerContract.httpPort(env);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (JsonNode p : container.path("ports")) {
            ports.put(p.path("name").asText(), p.path("containerPort").asInt());
        }
        if (!ports.containsValue(port)) {
            problems.add("worker container ports " + ports + " lack the health/metrics port " + port);
        }
        Map<String, Set<String>> expected = Map.of(
                "livenessProbe", Set.of(WorkerContract.healthz()),
                "readinessProbe", Set.of(WorkerContract.readyz()),
                "startupProbe", Set.of(WorkerContract.healthz(), WorkerContract.readyz()));
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            JsonNode get = container.path(e.getKey()).path("httpGet");
            if (get.isMissingNode()) {
                problems.add("worker container has no " + e.getKey() + " (httpGet)");
                continue;
            }
            if (!e.getValue().contains(get.path("path").asText())) {
                problems.add(e.getKey() + " path " + get.path("path").asText() + " is not " + e.getValue());
            }
            JsonNode p = get.path("port");
            int resolved = p.isInt() ? p.asInt() : ports.getOrDefault(p.asText(), -1);
            if (resolved != port) {
                problems.add(e.getKey() + " port " + p.asText() + " is not the worker's port " + port);
            }
        }
        return problems;
    }

    static List<String> grace(JsonNode pod, JsonNode container, Map<String, String> env) {
        long grace = WorkerContract.shutdownGrace(env).toSeconds();
        long preStop = 0;
        JsonNode cmd = container.path("lifecycle").path("preStop").path("exec").path("command");
        if (cmd.size() == 2 && "sleep".equals(cmd.get(0).asText())) {
            preStop = Long.parseLong(cmd.get(1).asText());
        }
        long termination = pod.path("terminationGracePeriodSeconds").asLong(30);
        if (termination <= grace + preStop) {
            return List.of("terminationGracePeriodSeconds " + termination + " must exceed SDFLEET_SHUTDOWN_GRACE ("
                    + grace + "s) + preStop sleep (" + preStop + "s)");
        }
        return List.of();
    }

    static List<String> metricsService(Kustomize k) {
        List<String> problems = new ArrayList<>();
        ObjectNode service = k.get("Service", DEPLOYMENT);
        if (service == null) {
            return List.of("no Service " + DEPLOYMENT + " for metrics");
        }
        ObjectNode deployment = k.get("Deployment", DEPLOYMENT);
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        service.path("spec").path("selector").fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                problems.add("Service selector " + e.getKey() + "=" + e.getValue().asText() + " matches no worker pod");
            }
        });
        JsonNode container = named(deployment.path("spec").path("template").path("spec").path("containers"), CONTAINER);
        Set<String> portNames = new java.util.HashSet<>();
        for (JsonNode p : container.path("ports")) {
            portNames.add(p.path("name").asText());
        }
        Set<String> servicePorts = new java.util.HashSet<>();
        for (JsonNode p : service.path("spec").path("ports")) {
            servicePorts.add(p.path("name").asText());
            if (!portNames.contains(p.path("targetPort").asText())) {
                problems.add("Service targetPort " + p.path("targetPort").asText() + " is no named worker port " + portNames);
            }
        }
        for (ObjectNode monitor : k.all("ServiceMonitor")) {
            for (JsonNode ep : monitor.path("spec").path("endpoints")) {
                if (!servicePorts.contains(ep.path("port").asText())) {
                    problems.add("ServiceMonitor port " + ep.path("port").asText() + " is no Service port " + servicePorts);
                }
                if (!WorkerContract.metrics().equals(ep.path("path").asText(WorkerContract.metrics()))) {
                    problems.add("ServiceMonitor path " + ep.path("path").asText() + " is not " + WorkerContract.metrics());
                }
            }
        }
        return problems;
    }

    static List<String> topicsAndKeda(Kustomize k, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Integer partitions = null;
        for (ObjectNode job : k.all("Job")) {
            StringBuilder script = new StringBuilder();
            for (JsonNode c : job.path("spec").path("template").path("spec").path("containers")) {
                c.path("command").forEach(a -> script.append(a.asText()).append('\n'));
                c.path("args").forEach(a -> script.append(a.asText()).append('\n'));
            }
            problems.addAll(WorkerContract.topicScriptProblems("Job " + job.path("metadata").path("name").asText(),
                    script.toString(), env));
            partitions = WorkerContract.createdTopics(script.toString()).get(WorkerContract.requestsTopic(env));
        }
        for (ObjectNode so : k.all("ScaledObject")) {
            problems.addAll(keda(k, so, env, partitions));
        }
        return problems;
    }

    static List<String> keda(Kustomize k, JsonNode so, Map<String, String> env, Integer partitions) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = so.path("spec");
        if (!DEPLOYMENT.equals(spec.path("scaleTargetRef").path("name").asText())) {
            problems.add("ScaledObject scales " + spec.path("scaleTargetRef").path("name").asText() + ", not " + DEPLOYMENT);
        }
        int max = spec.path("maxReplicaCount").asInt(100);
        int min = spec.path("minReplicaCount").asInt(0);
        if (min > max) {
            problems.add("ScaledObject minReplicaCount " + min + " > maxReplicaCount " + max);
        }
        if (partitions == null) {
            problems.add("partitions of " + WorkerContract.requestsTopic(env) + " unknown: no topic Job creates it");
        } else if (max > partitions) {
            problems.add("ScaledObject maxReplicaCount " + max + " > " + partitions + " partitions of "
                    + WorkerContract.requestsTopic(env) + ": the extra workers would idle on a GPU");
        }
        boolean kafka = false;
        for (JsonNode t : spec.path("triggers")) {
            if (!"kafka".equals(t.path("type").asText())) {
                continue;
            }
            kafka = true;
            JsonNode m = t.path("metadata");
            expect(problems, "KEDA consumerGroup", m.path("consumerGroup").asText(), WorkerContract.workerGroup(env));
            expect(problems, "KEDA topic", m.path("topic").asText(), WorkerContract.requestsTopic(env));
            expect(problems, "KEDA bootstrapServers", m.path("bootstrapServers").asText(),
                    env.get("SDFLEET_BOOTSTRAP_SERVERS"));
            if (!m.path("lagThreshold").asText("").matches("[1-9]\\d*")) {
                problems.add("KEDA lagThreshold must be a positive whole number, is " + m.path("lagThreshold"));
            }
            String auth = DeployFiles.text(t.path("authenticationRef").get("name"));
            if (auth != null) {
                ObjectNode ta = k.get("TriggerAuthentication", auth);
                if (ta == null) {
                    problems.add("KEDA authenticationRef " + auth + " does not exist");
                } else {
                    for (JsonNode ref : ta.path("spec").path("secretTargetRef")) {
                        ObjectNode secret = k.get("Secret", ref.path("name").asText());
                        if (secret == null || !(secret.path("stringData").has(ref.path("key").asText())
                                || secret.path("data").has(ref.path("key").asText()))) {
                            problems.add("TriggerAuthentication " + auth + " needs key " + ref.path("key").asText()
                                    + " of Secret " + ref.path("name").asText());
                        }
                    }
                }
            }
        }
        if (!kafka) {
            problems.add("ScaledObject has no kafka trigger");
        }
        return problems;
    }

    private static void expect(List<String> problems, String what, String actual, String expected) {
        if (expected != null && !expected.equals(actual)) {
            problems.add(what + " is '" + actual + "', the workers use '" + expected + "'");
        }
    }

    static List<String> image(String where, JsonNode container, String repository) {
        String image = container.path("image").asText();
        return Kustomize.repository(image).equals(repository) ? List.of()
                : List.of(where + " image " + image + " is not " + repository);
    }

    static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.path("name").asText())) {
                return n;
            }
        }
        return null;
    }
}
