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
 * Cross checks of one rendered set of Kubernetes objects ({@code kubectl kustomize}) against the published
 * schemas ({@link DeploySchemas}) and the worker's code: the worker's environment, ports and probes, grace
 * period, the StatefulSet's stable ids (headless Service, parallel pod management, id from the pod name),
 * Service, ServiceMonitor and PodDisruptionBudget selecting the worker pods, KEDA's target, group, topic,
 * replica bound and scaler parameters ({@link KedaKafkaScaler}), the topic Job, image names, and the trust
 * of Strimzi's cluster CA wherever Kafka is spoken over TLS ({@link KafkaTrust}). The worker's environment
 * passes the worker's own validation, its CPU limit matches its ONNX Runtime threads, and the engine-build init
 * container sees the worker's engine settings ({@link WorkerEnvChecks}). Returns problems; asserts nothing.
 */
final class KubernetesChecks {
    /** The worker workload: a StatefulSet, so every pod has a stable name and so a stable worker id. */
    static final String WORKLOAD_KIND = "StatefulSet";
    static final String WORKLOAD = "sdfleet-worker";
    static final String CONTAINER = "worker";
    /** The init container that runs tools/build-trt-engines.sh. */
    static final String ENGINE_BUILD_CONTAINER = "trt-engines";

    private KubernetesChecks() {
    }

    static List<String> problems(Manifests k) {
        return problems(k, StrimziCluster.ofRepository());
    }

    static List<String> problems(Manifests k, StrimziCluster strimzi) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode o : k.objects()) {
            problems.addAll(DeploySchemas.problems("k8s", o));
        }
        ObjectNode base = k.get(WORKLOAD_KIND, WORKLOAD);
        if (base == null) {
            problems.add("no " + WORKLOAD_KIND + " " + WORKLOAD + " (the workers need stable pod names: "
                    + k.objects().stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList() + ")");
            return problems;
        }
        List<ObjectNode> workloads = workloads(k);
        for (ObjectNode workload : workloads) {
            problems.addAll(workloadProblems(k, workload, strimzi));
        }
        problems.addAll(fleetProblems(k, workloads));
        return problems;
    }

    /**
     * The worker workloads: every StatefulSet with a {@value #CONTAINER} container, the base's {@value #WORKLOAD} and
     * one per further model (k8s/model), each checked on its own against its own environment.
     */
    static List<ObjectNode> workloads(Manifests k) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode s : k.all(WORKLOAD_KIND)) {
            if (named(pod(s).path("containers"), CONTAINER) != null) {
                out.add(s);
            }
        }
        return out;
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    /**
     * What holds across the workloads: each serves another model (two workloads of one model would share its group
     * under two names), they agree on the default model, every budget and every ScaledObject belongs to exactly one
     * of them (a budget selecting two models' pods would let a drain take both at once).
     */
    static List<String> fleetProblems(Manifests k, List<ObjectNode> workloads) {
        List<String> problems = new ArrayList<>();
        Map<String, String> models = new LinkedHashMap<>();
        Set<String> defaults = new java.util.TreeSet<>();
        for (ObjectNode w : workloads) {
            Map<String, String> env = workerEnv(k, named(pod(w).path("containers"), CONTAINER), new ArrayList<>());
            String model = WorkerContract.modelName(env);
            if (models.putIfAbsent(model, name(w)) != null) {
                problems.add(WORKLOAD_KIND + "s " + models.get(model) + " and " + name(w) + " both serve model " + model);
            }
            defaults.add(env.getOrDefault("SDFLEET_DEFAULT_MODEL", ""));
        }
        if (defaults.size() > 1) {
            problems.add("the worker workloads disagree on SDFLEET_DEFAULT_MODEL: " + defaults);
        }
        if (workloads.size() > 1 && defaults.contains("")) {
            problems.add(workloads.size() + " models but SDFLEET_DEFAULT_MODEL unset: every model would read "
                    + WorkerContract.requestsTopic(Map.of()) + " (set it to the base workers' model)");
        }
        for (ObjectNode pdb : k.all("PodDisruptionBudget")) {
            long selected = workloads.stream().filter(w -> selects("", pdb.path("spec").path("selector")
                    .path("matchLabels"), w).isEmpty()).count();
            if (selected != 1) {
                problems.add("PodDisruptionBudget " + name(pdb) + " selects the pods of " + selected
                        + " worker workloads, must select one");
            }
        }
        for (ObjectNode so : k.all("ScaledObject")) {
            String target = so.path("spec").path("scaleTargetRef").path("name").asText();
            if (workloads.stream().noneMatch(w -> name(w).equals(target))) {
                problems.add("ScaledObject " + name(so) + " scales " + target + ", no worker " + WORKLOAD_KIND);
            }
        }
        return problems;
    }

    /** The checks of one worker workload against its own environment. */
    static List<String> workloadProblems(Manifests k, ObjectNode workload, StrimziCluster strimzi) {
        List<String> problems = new ArrayList<>();
        JsonNode pod = pod(workload);
        JsonNode container = named(pod.path("containers"), CONTAINER);
        if (container == null) {
            problems.add(WORKLOAD_KIND + " " + WORKLOAD + " has no container " + CONTAINER);
            return problems;
        }
        Map<String, String> env = workerEnv(k, container, problems);
        problems.addAll(KnownSettings.WORKER.problems("k8s worker env", env, true));
        problems.addAll(WorkerEnvChecks.validate("k8s worker env", env));
        problems.addAll(WorkerEnvChecks.threadProblems("k8s worker env", env, WorkerEnvChecks.kubernetesCpu(
                DeployFiles.text(container.path("resources").path("limits").get("cpu")))));
        if (!"metadata.name".equals(fieldRef(container, "SDFLEET_WORKER_ID"))) {
            problems.add("SDFLEET_WORKER_ID must come from metadata.name (downward API): the StatefulSet's stable pod "
                    + "name is the worker's stable id (transactional id, static group membership)");
        }
        for (JsonNode init : pod.path("initContainers")) {
            for (JsonNode e : init.path("env")) {
                problems.addAll(KnownSettings.WORKER.problemsOf("k8s init container " + init.path("name").asText(),
                        e.path("name").asText()));
            }
            problems.addAll(image("init container " + init.path("name").asText(), init, WorkerContract.WORKER_IMAGE));
            if (ENGINE_BUILD_CONTAINER.equals(init.path("name").asText())) {
                Map<String, String> buildEnv = workerEnv(k, init, problems);
                problems.addAll(WorkerEnvChecks.engineBuildProblems("k8s init container " + ENGINE_BUILD_CONTAINER,
                        env, buildEnv));
                String modelDir = WorkerEnvChecks.processEnv(buildEnv).get("SDFLEET_MODEL_DIR");
                // volumes (a PVC, an emptyDir) hold no folder of this repository: only the image's COPYs resolve
                problems.addAll(EngineHiddenSize.problems("k8s init container " + ENGINE_BUILD_CONTAINER,
                        buildEnv.get(EngineHiddenSize.VARIABLE), modelDir, EngineHiddenSize.resolve(modelDir, Map.of())));
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
        problems.addAll(statefulSet(k, workload));
        problems.addAll(metricsService(k, workload));
        problems.addAll(disruptionBudget(k, workload));
        problems.addAll(topicsAndKeda(k, env, strimzi, name(workload)));
        problems.addAll(KafkaTrust.problems(k, container, env, strimzi));
        problems.addAll(strimzi.bootstrapProblems("k8s worker env SDFLEET_BOOTSTRAP_SERVERS",
                env.getOrDefault("SDFLEET_BOOTSTRAP_SERVERS", "")));
        return problems;
    }

    static JsonNode pod(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    /**
     * ConfigMap data + Secret keys from envFrom, then env entries; a configMapKeyRef entry takes the ConfigMap's
     * value, other valueFrom entries (downward API, secrets) map to null.
     */
    static Map<String, String> workerEnv(Manifests k, JsonNode container, List<String> problems) {
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

    /**
     * The StatefulSet gives stable ids and scales like a Deployment: its serviceName is a headless Service that
     * selects its pods, and pods start and stop in parallel (the default OrderedReady would make a scale-up from
     * 1 to 6 wait for five model loads in turn, and a stuck pod block every higher ordinal).
     */
    static List<String> statefulSet(Manifests k, JsonNode workload) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = workload.path("spec");
        if (!"Parallel".equals(spec.path("podManagementPolicy").asText())) {
            problems.add(WORKLOAD_KIND + " " + name(workload) + " podManagementPolicy is '" + spec.path("podManagementPolicy").asText()
                    + "', must be Parallel: scaling must not wait ordinal by ordinal");
        }
        String serviceName = spec.path("serviceName").asText("");
        ObjectNode service = k.get("Service", serviceName);
        if (service == null) {
            problems.add(WORKLOAD_KIND + " " + name(workload) + " serviceName '" + serviceName + "' is no Service of these objects");
        } else {
            if (!"None".equals(service.path("spec").path("clusterIP").asText())) {
                problems.add("Service " + serviceName + " (the StatefulSet's serviceName) must be headless (clusterIP: None)");
            }
            problems.addAll(selects("Service " + serviceName + " selector", service.path("spec").path("selector"), workload));
        }
        return problems;
    }

    /** Problems when a label selector (matchLabels or a Service's plain map) does not select the workload's pods. */
    static List<String> selects(String what, JsonNode selector, JsonNode workload) {
        List<String> problems = new ArrayList<>();
        JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
        if (selector.isMissingNode() || selector.isEmpty()) {
            return List.of(what + " is empty");
        }
        selector.fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                problems.add(what + " " + e.getKey() + "=" + e.getValue().asText() + " matches no worker pod");
            }
        });
        return problems;
    }

    static List<String> metricsService(Manifests k, JsonNode workload) {
        List<String> problems = new ArrayList<>();
        String serviceName = workload.path("spec").path("serviceName").asText(WORKLOAD);
        ObjectNode service = k.get("Service", serviceName);
        if (service == null) {
            return List.of("no Service " + serviceName + " for metrics");
        }
        problems.addAll(selects("Service selector", service.path("spec").path("selector"), workload));
        JsonNode container = named(pod(workload).path("containers"), CONTAINER);
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

    /**
     * A PodDisruptionBudget selects the workload's pods, so a node drain takes them one at a time (with several
     * models, each has its own: {@link #fleetProblems} holds each budget to one workload).
     */
    static List<String> disruptionBudget(Manifests k, JsonNode workload) {
        List<ObjectNode> budgets = k.all("PodDisruptionBudget");
        if (budgets.isEmpty()) {
            return List.of("no PodDisruptionBudget for the worker pods");
        }
        List<String> mismatches = new ArrayList<>();
        for (ObjectNode pdb : budgets) {
            List<String> p = selects("PodDisruptionBudget " + pdb.path("metadata").path("name").asText() + " selector",
                    pdb.path("spec").path("selector").path("matchLabels"), workload);
            if (p.isEmpty()) {
                return List.of();
            }
            mismatches.addAll(p);
        }
        List<String> problems = new ArrayList<>(List.of("no PodDisruptionBudget selects the pods of "
                + name(workload)));
        problems.addAll(mismatches);
        return problems;
    }

    /**
     * The topic Jobs together create every topic of the workload's environment (with several models, one Job per
     * model creates its requests topic; a script's {@code ${VAR}} is the Job container's environment), and the
     * ScaledObjects of the workload scale it on its own topic and group.
     */
    static List<String> topicsAndKeda(Manifests k, Map<String, String> env, StrimziCluster strimzi, String workload) {
        List<String> problems = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        List<String> jobs = new ArrayList<>();
        for (ObjectNode job : k.all("Job")) {
            jobs.add(name(job));
            for (JsonNode c : pod(job).path("containers")) {
                Map<String, String> jobEnv = workerEnv(k, c, problems);
                StringBuilder script = new StringBuilder();
                c.path("command").forEach(a -> script.append(a.asText()).append('\n'));
                c.path("args").forEach(a -> script.append(a.asText()).append('\n'));
                all.append(expand(script.toString(), jobEnv));
            }
        }
        Integer partitions = null;
        if (!jobs.isEmpty()) {
            problems.addAll(WorkerContract.topicScriptProblems("Jobs " + jobs, all.toString(), env));
            partitions = WorkerContract.createdTopics(all.toString()).get(WorkerContract.requestsTopic(env));
        }
        for (ObjectNode so : k.all("ScaledObject")) {
            if (workload.equals(so.path("spec").path("scaleTargetRef").path("name").asText())) {
                problems.addAll(keda(k, so, env, partitions, strimzi, workload));
            }
        }
        return problems;
    }

    /** {@code $VAR} and {@code ${VAR}} of a shell script replaced by the container's values (unknown ones kept). */
    static String expand(String script, Map<String, String> env) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)}?").matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<String> keda(Manifests k, JsonNode so, Map<String, String> env, Integer partitions,
            StrimziCluster strimzi, String workload) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = so.path("spec");
        JsonNode target = spec.path("scaleTargetRef");
        if (!workload.equals(target.path("name").asText()) || !WORKLOAD_KIND.equals(target.path("kind").asText())
                || !"apps/v1".equals(target.path("apiVersion").asText("apps/v1"))) {
            problems.add("ScaledObject scales " + target.path("apiVersion").asText("apps/v1") + " "
                    + target.path("kind").asText("Deployment") + " " + target.path("name").asText() + ", not apps/v1 "
                    + WORKLOAD_KIND + " " + workload);
        }
        ObjectNode scaled = k.get(target.path("kind").asText("Deployment"), target.path("name").asText());
        if (scaled != null && scaled.path("spec").has("replicas")) {
            problems.add(target.path("kind").asText() + " " + target.path("name").asText() + " sets spec.replicas "
                    + scaled.path("spec").path("replicas") + " although KEDA owns its scale: every apply would reset it");
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
            problems.addAll(strimzi.bootstrapProblems("KEDA bootstrapServers", m.path("bootstrapServers").asText()));
            Map<String, String> authParams = triggerAuthParams(k, t, problems, strimzi);
            problems.addAll(KedaKafkaScaler.problems("KEDA kafka trigger", m, authParams));
        }
        if (!kafka) {
            problems.add("ScaledObject has no kafka trigger");
        }
        return problems;
    }

    /**
     * The parameters a trigger's TriggerAuthentication maps, with their values where the Secret is among the
     * objects (null where it is not, e.g. the copy of Strimzi's CA, which the files must never overwrite).
     */
    static Map<String, String> triggerAuthParams(Manifests k, JsonNode trigger, List<String> problems,
            StrimziCluster strimzi) {
        Map<String, String> params = new LinkedHashMap<>();
        String auth = DeployFiles.text(trigger.path("authenticationRef").get("name"));
        if (auth == null) {
            return params;
        }
        ObjectNode ta = k.get("TriggerAuthentication", auth);
        if (ta == null) {
            problems.add("KEDA authenticationRef " + auth + " does not exist");
            return params;
        }
        for (JsonNode ref : ta.path("spec").path("secretTargetRef")) {
            String secretName = ref.path("name").asText();
            String key = ref.path("key").asText();
            ObjectNode secret = k.get("Secret", secretName);
            String value = null;
            if (secret != null && secret.path("stringData").has(key)) {
                value = secret.path("stringData").path(key).asText();
            } else if (secret == null && secretName.equals(strimzi.caSecret()) && key.equals(StrimziCluster.CA_KEY)) {
                value = null; // Strimzi's CA, copied into the namespace by the operator of the fleet
            } else if (secret == null || !secret.path("data").has(key)) {
                problems.add("TriggerAuthentication " + auth + " needs key " + key + " of Secret " + secretName);
            }
            params.put(ref.path("parameter").asText(), value);
        }
        return params;
    }

    private static void expect(List<String> problems, String what, String actual, String expected) {
        if (expected != null && !expected.equals(actual)) {
            problems.add(what + " is '" + actual + "', the workers use '" + expected + "'");
        }
    }

    static List<String> image(String where, JsonNode container, String repository) {
        String image = container.path("image").asText();
        return Manifests.repository(image).equals(repository) ? List.of()
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
