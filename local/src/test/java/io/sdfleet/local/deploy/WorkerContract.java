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

    static String requestsTopic(Map<String, String> env) {
        return env.getOrDefault(KafkaSettings.TOPIC_REQUESTS.name(), KafkaSettings.DEFAULT_TOPIC_REQUESTS);
    }

    static String workerGroup(Map<String, String> env) {
        return env.getOrDefault(KafkaSettings.WORKER_GROUP.name(), KafkaSettings.DEFAULT_WORKER_GROUP);
    }

    static List<String> topics(Map<String, String> env) {
        return List.of(requestsTopic(env),
                env.getOrDefault(KafkaSettings.TOPIC_COMPLETIONS.name(), KafkaSettings.DEFAULT_TOPIC_COMPLETIONS),
                env.getOrDefault(KafkaSettings.TOPIC_DLQ.name(), KafkaSettings.DEFAULT_TOPIC_DLQ));
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

    /** Problems of a topic script: a topic of the configuration that it does not create. */
    static List<String> topicScriptProblems(String where, String script, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> created = createdTopics(script);
        for (String topic : topics(env)) {
            if (!created.containsKey(topic)) {
                problems.add(where + ": topic " + topic + " is not created (creates " + created.keySet() + ")");
            }
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
