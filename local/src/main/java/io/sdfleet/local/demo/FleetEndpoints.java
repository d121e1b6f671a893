package io.sdfleet.local.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the demo's fleet is: Kafka, the three topics, the worker group, S3 and the key prefix, plus the
 * {@code SDFLEET_*} variables passed through to the worker and the producer unchanged (SASL/TLS settings,
 * timeouts). Two origins: the embedded stack the demo started, or the environment
 * ({@link #fromEnvironment}), when it names a Kafka and an S3 endpoint.
 *
 * <p>Why the environment origin uses topics and a group of its own ({@value #DEMO_TOPIC_REQUESTS}, ...)
 * unless {@code SDFLEET_TOPIC_*} are set: a demo worker on the tiny model must not take real jobs from a
 * production fleet's topic, and the demo's jobs must not go to production workers. Immutable.
 *
 * @param embedded         whether the demo started these servers itself
 * @param bootstrapServers Kafka
 * @param requestsTopic    topic the jobs are sent to
 * @param completionsTopic topic the completions are read from
 * @param dlqTopic         dead-letter topic of the worker
 * @param workerGroup      the worker's consumer group
 * @param s3Endpoint       S3 API endpoint
 * @param accessKey        S3 access key
 * @param secretKey        S3 secret key
 * @param bucket           bucket of the images
 * @param prefix           object key prefix of the images
 * @param passThrough      further {@code SDFLEET_*} variables for the worker and the producer (none when embedded)
 */
public record FleetEndpoints(boolean embedded, String bootstrapServers, String requestsTopic, String completionsTopic,
                             String dlqTopic, String workerGroup, String s3Endpoint, String accessKey,
                             String secretKey, String bucket, String prefix, Map<String, String> passThrough) {

    public static final String BOOTSTRAP_SERVERS_ENV = "SDFLEET_BOOTSTRAP_SERVERS";
    public static final String S3_ENDPOINT_ENV = "SDFLEET_S3_ENDPOINT";
    public static final String S3_ACCESS_KEY_ENV = "SDFLEET_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY_ENV = "SDFLEET_S3_SECRET_KEY";
    public static final String S3_BUCKET_ENV = "SDFLEET_S3_BUCKET";
    public static final String S3_PREFIX_ENV = "SDFLEET_S3_PREFIX";
    public static final String TOPIC_REQUESTS_ENV = "SDFLEET_TOPIC_REQUESTS";
    public static final String TOPIC_COMPLETIONS_ENV = "SDFLEET_TOPIC_COMPLETIONS";
    public static final String TOPIC_DLQ_ENV = "SDFLEET_TOPIC_DLQ";
    public static final String WORKER_GROUP_ENV = "SDFLEET_WORKER_GROUP";

    /** Topics, group and prefix of a demo against real servers (when the environment does not name them). */
    public static final String DEMO_TOPIC_REQUESTS = "sdfleet-demo.requests";
    public static final String DEMO_TOPIC_COMPLETIONS = "sdfleet-demo.completions";
    public static final String DEMO_TOPIC_DLQ = "sdfleet-demo.requests.dlq";
    public static final String DEMO_WORKER_GROUP = "sdfleet-demo-workers";
    /** The demo's own catalog and progress topics against real servers: its worker must not join a real catalog. */
    public static final String DEMO_TOPIC_FLEET = "sdfleet-demo.fleet";
    public static final String DEMO_TOPIC_PROGRESS = "sdfleet-demo.progress";
    public static final String DEMO_PREFIX = "demo";
    /** Defaults of the worker and the store, used when the environment leaves them unset. */
    public static final String DEFAULT_BUCKET = "sdfleet";
    public static final String DEFAULT_ACCESS_KEY = "minioadmin";
    public static final String DEFAULT_SECRET_KEY = "minioadmin";
    /** Key prefix of the images on the embedded stack (the worker's own default). */
    public static final String EMBEDDED_PREFIX = "images";

    public FleetEndpoints {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        passThrough = Map.copyOf(passThrough);
    }

    /** The embedded stack's coordinates; the worker group is the fleet's usual one. */
    public static FleetEndpoints embedded(String bootstrapServers, String requestsTopic, String completionsTopic,
            String dlqTopic, String s3Endpoint, String accessKey, String secretKey, String bucket) {
        return new FleetEndpoints(true, bootstrapServers, requestsTopic, completionsTopic, dlqTopic,
                "sdfleet-workers", s3Endpoint, accessKey, secretKey, bucket, EMBEDDED_PREFIX, Map.of());
    }

    /**
     * The servers the environment names, when it sets both {@value #BOOTSTRAP_SERVERS_ENV} and
     * {@value #S3_ENDPOINT_ENV}; empty otherwise (the demo then starts its own).
     */
    public static Optional<FleetEndpoints> fromEnvironment(Map<String, String> env) {
        String kafka = blankToNull(env.get(BOOTSTRAP_SERVERS_ENV));
        String s3 = blankToNull(env.get(S3_ENDPOINT_ENV));
        if (kafka == null || s3 == null) {
            return Optional.empty();
        }
        Map<String, String> passThrough = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("SDFLEET_")) {
                passThrough.put(k, v);
            }
        });
        return Optional.of(new FleetEndpoints(false, kafka,
                or(env, TOPIC_REQUESTS_ENV, DEMO_TOPIC_REQUESTS), or(env, TOPIC_COMPLETIONS_ENV, DEMO_TOPIC_COMPLETIONS),
                or(env, TOPIC_DLQ_ENV, DEMO_TOPIC_DLQ), or(env, WORKER_GROUP_ENV, DEMO_WORKER_GROUP), s3,
                or(env, S3_ACCESS_KEY_ENV, DEFAULT_ACCESS_KEY), or(env, S3_SECRET_KEY_ENV, DEFAULT_SECRET_KEY),
                or(env, S3_BUCKET_ENV, DEFAULT_BUCKET), or(env, S3_PREFIX_ENV, DEMO_PREFIX), passThrough));
    }

    /** The environment of a producer (or the CLI) for this fleet: the pass-through variables and {@link #coordinates}. */
    public Map<String, String> clientEnv() {
        Map<String, String> env = new LinkedHashMap<>(passThrough);
        env.putAll(coordinates(true));
        if (!embedded) {
            env.putIfAbsent("SDFLEET_TOPIC_FLEET", DEMO_TOPIC_FLEET);
            env.putIfAbsent("SDFLEET_TOPIC_PROGRESS", DEMO_TOPIC_PROGRESS);
        }
        return env;
    }

    /**
     * The variables that say where this fleet is, in a stable order: Kafka, topics, group, S3, bucket, prefix,
     * and with {@code withKeys} the S3 access and secret key.
     */
    public Map<String, String> coordinates(boolean withKeys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(BOOTSTRAP_SERVERS_ENV, bootstrapServers);
        env.put(TOPIC_REQUESTS_ENV, requestsTopic);
        env.put(TOPIC_COMPLETIONS_ENV, completionsTopic);
        env.put(TOPIC_DLQ_ENV, dlqTopic);
        env.put(WORKER_GROUP_ENV, workerGroup);
        env.put(S3_ENDPOINT_ENV, s3Endpoint);
        if (withKeys) {
            env.put(S3_ACCESS_KEY_ENV, accessKey);
            env.put(S3_SECRET_KEY_ENV, secretKey);
        }
        env.put(S3_BUCKET_ENV, bucket);
        env.put(S3_PREFIX_ENV, prefix);
        return env;
    }

    /**
     * The environment of the demo's worker: {@link #clientEnv()}, its id and model folder, and a health
     * and metrics server on a free loopback port unless the environment chose one.
     */
    public Map<String, String> workerEnv(String workerId, Path modelDir) {
        Map<String, String> env = clientEnv();
        env.put("SDFLEET_WORKER_ID", workerId);
        env.put("SDFLEET_MODEL_DIR", modelDir.toString());
        env.putIfAbsent("SDFLEET_HTTP_PORT", "0");
        env.putIfAbsent("SDFLEET_HTTP_BIND", "127.0.0.1");
        return env;
    }

    private static String or(Map<String, String> env, String key, String fallback) {
        String v = blankToNull(env.get(key));
        return v == null ? fallback : v;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Without the secret key. */
    @Override
    public String toString() {
        return "FleetEndpoints[kafka=" + bootstrapServers + ", topics=" + requestsTopic + "/" + completionsTopic + "/"
                + dlqTopic + ", group=" + workerGroup + ", s3=" + s3Endpoint + ", bucket=" + bucket + ", prefix="
                + prefix + (embedded ? ", embedded" : "") + "]";
    }
}
