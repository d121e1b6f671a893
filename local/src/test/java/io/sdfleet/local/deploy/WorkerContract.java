package io.sdfleet.local.deploy;

import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.observe.HealthServer;
import io.sdfleet.worker.observe.ObserveSettings;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the deployment files must agree with, read from the code: the health server's paths, the HTTP port,
 * topic and group names (configured value or the code's default), the shutdown grace, and the partitions a
 * topic-creation script gives each topic.
 */
final class WorkerContract {
    static final String WORKER_IMAGE = "sdfleet/worker";
    static final String PRODUCER_IMAGE = "sdfleet/producer";
    private static final Pattern TOPIC_CREATE = Pattern.compile("--topic\\s+(\\S+)\\s+--partitions\\s+(\\d+)");

    private WorkerContract() {
    }

    /** HealthServer's path constants (package-private there; read by reflection so they cannot drift). */
    static String healthPath(String constant) {
        try {
            Field f = HealthServer.class.getDeclaredField(constant);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("HealthServer." + constant + " not found", e);
        }
    }

    static String healthz() {
        return healthPath("HEALTHZ");
    }

    static String readyz() {
        return healthPath("READYZ");
    }

    static String metrics() {
        return healthPath("METRICS");
    }

    static int httpPort(Map<String, String> env) {
        String v = env.get(ObserveSettings.HTTP_PORT.name());
        return v == null ? ObserveSettings.DEFAULT_HTTP_PORT : ObserveSettings.HTTP_PORT.parse(v);
    }

    static Duration shutdownGrace(Map<String, String> env) {
        String v = env.get(WorkerSettings.SHUTDOWN_GRACE.name());
        return v == null ? WorkerSettings.DEFAULT_SHUTDOWN_GRACE : WorkerSettings.SHUTDOWN_GRACE.parse(v);
    }

    /** The topic a worker of this environment reads: its model's, by the code's own rule (ModelRouting). */
    static String requestsTopic(Map<String, String> env) {
        return routing(env).requestsTopicFor(modelName(env));
    }

    /** The consumer group of a worker of this environment: its model's, by the code's own rule. */
    static String workerGroup(Map<String, String> env) {
        return routing(env).workerGroupFor(modelName(env));
    }

    /** The model a worker of this environment serves: SDFLEET_MODEL_NAME, else its model folder's name. */
    static String modelName(Map<String, String> env) {
        String name = env.get(WorkerSettings.MODEL_NAME.name());
        if (name != null) {
            return name.strip();
        }
        String dir = env.getOrDefault(WorkerSettings.MODEL_DIR.name(), WorkerSettings.DEFAULT_MODEL_DIR);
        return java.nio.file.Path.of(dir).getFileName().toString();
    }

    private static io.sdfleet.common.config.ModelRouting routing(Map<String, String> env) {
        return new io.sdfleet.common.config.ModelRouting(
                env.getOrDefault(KafkaSettings.TOPIC_REQUESTS.name(), KafkaSettings.DEFAULT_TOPIC_REQUESTS),
                env.getOrDefault(KafkaSettings.WORKER_GROUP.name(), KafkaSettings.DEFAULT_WORKER_GROUP),
                env.getOrDefault(KafkaSettings.TOPIC_REQUESTS_PATTERN.name(),
                        KafkaSettings.DEFAULT_TOPIC_REQUESTS_PATTERN),
                env.getOrDefault(KafkaSettings.DEFAULT_MODEL.name(), KafkaSettings.DEFAULT_DEFAULT_MODEL));
    }

    /** The fleet catalog topic (compacted: one live record per worker). */
    static String fleetTopic(Map<String, String> env) {
        return env.getOrDefault(KafkaSettings.TOPIC_FLEET.name(), KafkaSettings.DEFAULT_TOPIC_FLEET);
    }

    /** Every topic a worker of this environment reads or writes: its requests, completions, DLQ, catalog, progress. */
    static List<String> topics(Map<String, String> env) {
        return List.of(requestsTopic(env),
                env.getOrDefault(KafkaSettings.TOPIC_COMPLETIONS.name(), KafkaSettings.DEFAULT_TOPIC_COMPLETIONS),
                env.getOrDefault(KafkaSettings.TOPIC_DLQ.name(), KafkaSettings.DEFAULT_TOPIC_DLQ),
                fleetTopic(env),
                env.getOrDefault(KafkaSettings.TOPIC_PROGRESS.name(), KafkaSettings.DEFAULT_TOPIC_PROGRESS));
    }

    /** Topics a script creates compacted ({@code --config cleanup.policy=compact} on its create line). */
    static java.util.Set<String> compactedTopics(String script) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String line : script.split("\n")) {
            Matcher m = TOPIC_CREATE.matcher(line);
            if (m.find() && line.contains("cleanup.policy=compact")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Topic → partitions of every {@code kafka-topics.sh --create ... --topic T --partitions N} in a script. */
    static Map<String, Integer> createdTopics(String script) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        Matcher m = TOPIC_CREATE.matcher(script);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    /**
     * Problems of a topic script: a topic of the configuration that it does not create, or a fleet catalog it
     * creates without compaction (the catalog keeps the latest record per worker: a deleted-by-age catalog forgets
     * idle workers, a growing one is read ever slower).
     */
    static List<String> topicScriptProblems(String where, String script, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> created = createdTopics(script);
        for (String topic : topics(env)) {
            if (!created.containsKey(topic)) {
                problems.add(where + ": topic " + topic + " is not created (creates " + created.keySet() + ")");
            }
        }
        if (created.containsKey(fleetTopic(env)) && !compactedTopics(script).contains(fleetTopic(env))) {
            problems.add(where + ": the fleet catalog " + fleetTopic(env) + " must be created with"
                    + " --config cleanup.policy=compact");
        }
        return problems;
    }

    /** Seconds of a compose duration such as 75s, 2m, 1m30s. */
    static long composeSeconds(String text) {
        Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?").matcher(text.strip());
        if (!m.matches() || text.isBlank()) {
            throw new IllegalArgumentException("not a compose duration: " + text);
        }
        long s = 0;
        s += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
        s += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
        s += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return s;
    }
}
