package io.sdfleet.common.config;

import io.sdfleet.common.ModelNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where the Kafka cluster and the sdfleet topics are, read from the environment; shared by producer,
 * worker and the local stack.
 *
 * <p>Any Kafka client property can be passed through without code: {@code SDFLEET_KAFKA_<NAME>} becomes
 * {@code <name>} lower-cased with '_' → '.', e.g. {@code SDFLEET_KAFKA_SECURITY_PROTOCOL=SASL_SSL} →
 * {@code security.protocol}, {@code SDFLEET_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}. A name that is
 * no producer, consumer or admin property is refused (a misspelt security setting must not silently fall
 * back to plaintext); so are the properties sdfleet sets itself (bootstrap servers, group id, serializers).
 * Each client gets only the pass-through properties it knows, so Kafka does not log "unknown config".
 *
 * <p>Immutable. {@link #toString()} hides pass-through values that look like credentials.
 *
 * @param bootstrapServers        {@code host:port[,host:port...]}
 * @param topicRequests           topic of job requests
 * @param topicCompletions        topic of completion events
 * @param topicDlq                dead-letter topic for refused requests
 * @param workerGroup             consumer group of the workers
 * @param topicRequestsPattern    topic of the requests for a model other than the default one ({@value #MODEL_PLACEHOLDER}
 *                                replaced by its name)
 * @param defaultModel            the model whose requests (and requests naming none) use {@code topicRequests} and
 *                                {@code workerGroup}; empty: the fleet serves one model and every request uses them
 * @param topicFleet              compacted catalog topic where workers announce what they serve (key = worker id)
 * @param topicProgress           best-effort job progress events (key = jobId)
 * @param topicPartitions         partitions when sdfleet creates the topics (the most workers that share work)
 * @param topicReplicationFactor  replication factor when sdfleet creates the topics
 * @param clientOverrides         pass-through Kafka client properties, by Kafka name
 */
public record KafkaSettings(
        String bootstrapServers,
        String topicRequests,
        String topicCompletions,
        String topicDlq,
        String workerGroup,
        String topicRequestsPattern,
        String defaultModel,
        String topicFleet,
        String topicProgress,
        int topicPartitions,
        int topicReplicationFactor,
        Map<String, Object> clientOverrides) {

    /** Prefix of pass-through Kafka client properties. */
    public static final String CLIENT_PREFIX = "SDFLEET_KAFKA_";

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    public static final String DEFAULT_TOPIC_REQUESTS = "sd.requests";
    public static final String DEFAULT_TOPIC_COMPLETIONS = "sd.completions";
    public static final String DEFAULT_TOPIC_DLQ = "sd.requests.dlq";
    public static final String DEFAULT_WORKER_GROUP = "sdfleet-workers";
    /** Where a model's name goes in {@link #TOPIC_REQUESTS_PATTERN}. */
    public static final String MODEL_PLACEHOLDER = "{model}";
    public static final String DEFAULT_TOPIC_REQUESTS_PATTERN = "sd.requests." + MODEL_PLACEHOLDER;
    /** No default model: a fleet of one model, every request on {@link #DEFAULT_TOPIC_REQUESTS}. */
    public static final String DEFAULT_DEFAULT_MODEL = "";
    public static final String DEFAULT_TOPIC_FLEET = "sd.fleet";
    public static final String DEFAULT_TOPIC_PROGRESS = "sd.progress";
    public static final int DEFAULT_TOPIC_PARTITIONS = 6;
    public static final int MAX_TOPIC_PARTITIONS = 10_000;
    public static final int DEFAULT_TOPIC_REPLICATION_FACTOR = 1;
    public static final int MAX_TOPIC_REPLICATION_FACTOR = Short.MAX_VALUE;

    /** Kafka's rule for topic names: 1..249 of [a-zA-Z0-9._-], not "." or "..". */
    static final Pattern TOPIC_NAME = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,249}");
    private static final String TOPIC_ALLOWED = "1..249 characters of a-z A-Z 0-9 . _ -";

    /** One broker address: host:port or [ipv6]:port. */
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.of("SDFLEET_BOOTSTRAP_SERVERS", String.class,
            DEFAULT_BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS, "host:port[,host:port...]",
            "Kafka brokers to connect to first.", KafkaSettings::parseBootstrap);
    public static final Setting<String> TOPIC_REQUESTS = Setting.matching("SDFLEET_TOPIC_REQUESTS",
            DEFAULT_TOPIC_REQUESTS, TOPIC_NAME, TOPIC_ALLOWED, "Topic of job requests (key = jobId).");
    public static final Setting<String> TOPIC_COMPLETIONS = Setting.matching("SDFLEET_TOPIC_COMPLETIONS",
            DEFAULT_TOPIC_COMPLETIONS, TOPIC_NAME, TOPIC_ALLOWED, "Topic of completion events (key = jobId).");
    public static final Setting<String> TOPIC_DLQ = Setting.matching("SDFLEET_TOPIC_DLQ", DEFAULT_TOPIC_DLQ,
            TOPIC_NAME, TOPIC_ALLOWED, "Dead-letter topic: refused requests, original bytes plus reason headers.");
    public static final Setting<String> WORKER_GROUP = Setting.nonBlank("SDFLEET_WORKER_GROUP",
            DEFAULT_WORKER_GROUP, "Consumer group the workers share the requests topic in.");
    public static final Setting<String> TOPIC_REQUESTS_PATTERN = Setting.of("SDFLEET_TOPIC_REQUESTS_PATTERN",
            String.class, DEFAULT_TOPIC_REQUESTS_PATTERN, DEFAULT_TOPIC_REQUESTS_PATTERN,
            "a topic name containing " + MODEL_PLACEHOLDER,
            "Topic of the requests for a model other than SDFLEET_DEFAULT_MODEL, " + MODEL_PLACEHOLDER
                    + " replaced by the model's name; its workers' consumer group is SDFLEET_WORKER_GROUP, a dot and the model's name.",
            KafkaSettings::parsePattern);
    public static final Setting<String> DEFAULT_MODEL = Setting.of("SDFLEET_DEFAULT_MODEL", String.class,
            DEFAULT_DEFAULT_MODEL, "(empty: one model)", "empty, or " + ModelNames.ALLOWED,
            "The model whose requests, and requests naming no model, go to SDFLEET_TOPIC_REQUESTS and its workers'"
                    + " group SDFLEET_WORKER_GROUP; every other model has its own topic and group"
                    + " (SDFLEET_TOPIC_REQUESTS_PATTERN). Empty: the fleet serves one model and every request goes to"
                    + " SDFLEET_TOPIC_REQUESTS. Set it to the same value on workers and producers.",
            raw -> raw.isBlank() ? "" : ModelNames.require(raw));
    public static final Setting<String> TOPIC_FLEET = Setting.matching("SDFLEET_TOPIC_FLEET", DEFAULT_TOPIC_FLEET,
            TOPIC_NAME, TOPIC_ALLOWED, "Compacted catalog topic: each worker's announcement of what it serves (key ="
                    + " worker id; a tombstone when it leaves).");
    public static final Setting<String> TOPIC_PROGRESS = Setting.matching("SDFLEET_TOPIC_PROGRESS",
            DEFAULT_TOPIC_PROGRESS, TOPIC_NAME, TOPIC_ALLOWED,
            "Best-effort job progress events (key = jobId; not transactional, the completion stays the record of"
                    + " truth).");
    public static final Setting<Integer> TOPIC_PARTITIONS = Setting.integer("SDFLEET_TOPIC_PARTITIONS",
            DEFAULT_TOPIC_PARTITIONS, 1, MAX_TOPIC_PARTITIONS,
            "Partitions of the topics when sdfleet creates them; the most workers that can share the work.");
    public static final Setting<Integer> TOPIC_REPLICATION_FACTOR = Setting.integer(
            "SDFLEET_TOPIC_REPLICATION_FACTOR", DEFAULT_TOPIC_REPLICATION_FACTOR, 1, MAX_TOPIC_REPLICATION_FACTOR,
            "Replication factor of the topics when sdfleet creates them (use 3 in production).");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, TOPIC_REQUESTS, TOPIC_COMPLETIONS,
            TOPIC_DLQ, WORKER_GROUP, TOPIC_REQUESTS_PATTERN, DEFAULT_MODEL, TOPIC_FLEET, TOPIC_PROGRESS, TOPIC_PARTITIONS,
            TOPIC_REPLICATION_FACTOR);

    /** Pass-through properties sdfleet sets itself; overriding them would silently change behaviour. */
    private static final Map<String, String> RESERVED = Map.of(
            "bootstrap.servers", "set " + BOOTSTRAP_SERVERS.name() + " instead",
            "group.id", "set " + WORKER_GROUP.name() + " instead",
            "key.serializer", "sdfleet chooses the serializers",
            "value.serializer", "sdfleet chooses the serializers",
            "key.deserializer", "sdfleet chooses the deserializers",
            "value.deserializer", "sdfleet chooses the deserializers");

    /** Pass-through names whose values are hidden in toString (and never logged). */
    private static final Pattern SENSITIVE = Pattern.compile(".*(password|jaas|secret|token|credential|\\.key$).*");

    public KafkaSettings {
        clientOverrides = clientOverrides == null || clientOverrides.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(clientOverrides));
    }

    /** The settings from the process environment. */
    public static KafkaSettings fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * The settings from an environment map.
     *
     * @throws ConfigException listing every bad variable
     */
    public static KafkaSettings fromEnv(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        KafkaSettings settings = read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    /**
     * Reads these settings into a reader shared with other settings (e.g. the worker's), so that one
     * {@link ConfigException} lists the problems of all of them. Call {@link ConfigReader#throwIfInvalid()}
     * before using the result.
     */
    public static KafkaSettings read(ConfigReader reader) {
        String requests = reader.get(TOPIC_REQUESTS);
        String completions = reader.get(TOPIC_COMPLETIONS);
        String dlq = reader.get(TOPIC_DLQ);
        if (requests.equals(completions)) {
            reader.problem(TOPIC_COMPLETIONS, "must differ from " + TOPIC_REQUESTS.name() + " ('" + requests + "')");
        }
        if (dlq.equals(requests) || dlq.equals(completions)) {
            reader.problem(TOPIC_DLQ, "must differ from the requests and completions topics");
        }
        String fleet = reader.get(TOPIC_FLEET);
        String progress = reader.get(TOPIC_PROGRESS);
        if (List.of(requests, completions, dlq).contains(fleet)) {
            reader.problem(TOPIC_FLEET, "must differ from the requests, completions and DLQ topics");
        }
        if (List.of(requests, completions, dlq, fleet).contains(progress)) {
            reader.problem(TOPIC_PROGRESS, "must differ from the requests, completions, DLQ and fleet topics");
        }
        String defaultModel = reader.get(DEFAULT_MODEL);
        KafkaSettings settings = new KafkaSettings(reader.get(BOOTSTRAP_SERVERS), requests, completions, dlq,
                reader.get(WORKER_GROUP), reader.get(TOPIC_REQUESTS_PATTERN), defaultModel, fleet, progress,
                reader.get(TOPIC_PARTITIONS), reader.get(TOPIC_REPLICATION_FACTOR), clientOverrides(reader));
        if (!defaultModel.isEmpty()) {
            settings.routingProblem(defaultModel).ifPresent(p -> reader.problem(DEFAULT_MODEL, p));
        }
        return settings;
    }

    /** The routing of requests by model ({@link ModelRouting}: the one owner of the rule). */
    public ModelRouting routing() {
        return new ModelRouting(topicRequests, workerGroup, topicRequestsPattern, defaultModel);
    }

    /** {@link ModelRouting#requestsTopicFor} of these settings. */
    public String requestsTopicFor(String model) {
        return routing().requestsTopicFor(model);
    }

    /** {@link ModelRouting#workerGroupFor} of these settings. */
    public String workerGroupFor(String model) {
        return routing().workerGroupFor(model);
    }

    /**
     * Why {@code model} cannot be routed, if it cannot: not a model name, or its topic is one of the other sdfleet
     * topics (a model named "dlq" under the default pattern).
     */
    public Optional<String> routingProblem(String model) {
        if (!ModelNames.isValid(model)) {
            return Optional.of("'" + model + "' is not a model name; allowed: "
                    + ModelNames.ALLOWED);
        }
        String topic = requestsTopicFor(model);
        if (!TOPIC_NAME.matcher(topic).matches()) {
            return Optional.of("model '" + model + "' makes the topic name '" + topic
                    + "', which Kafka does not allow");
        }
        if (List.of(topicCompletions, topicDlq, topicFleet, topicProgress).contains(topic)) {
            return Optional.of("model '" + model + "' would read and write topic '" + topic
                    + "', which is another sdfleet topic; rename the model or change " + TOPIC_REQUESTS_PATTERN.name());
        }
        return Optional.empty();
    }

    private static String parsePattern(String raw) {
        String v = raw.strip();
        if (!v.contains(MODEL_PLACEHOLDER)) {
            throw new IllegalArgumentException("must contain " + MODEL_PLACEHOLDER + ", e.g. "
                    + DEFAULT_TOPIC_REQUESTS_PATTERN);
        }
        if (!TOPIC_NAME.matcher(v.replace(MODEL_PLACEHOLDER, "m")).matches()) {
            throw new IllegalArgumentException("not a topic name once " + MODEL_PLACEHOLDER + " is replaced; allowed: "
                    + TOPIC_ALLOWED);
        }
        return v;
    }

    private static Map<String, Object> clientOverrides(ConfigReader reader) {
        Map<String, Object> out = new TreeMap<>();
        reader.withPrefix(CLIENT_PREFIX).forEach((key, value) -> {
            String property = key.substring(CLIENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (property.isEmpty() || property.startsWith(".") || property.endsWith(".")) {
                reader.problem(key, "not a Kafka property name; write " + CLIENT_PREFIX + "<NAME>, e.g. "
                        + CLIENT_PREFIX + "SECURITY_PROTOCOL");
            } else if (RESERVED.containsKey(property)) {
                reader.problem(key, RESERVED.get(property));
            } else if (!isKnownClientProperty(property)) {
                reader.problem(key, "'" + property + "' is not a Kafka producer, consumer or admin property");
            } else if (value.isBlank()) {
                reader.problem(key, "empty value for '" + property + "'; unset the variable instead");
            } else {
                out.put(property, value); // as given: Kafka trims where its type allows it
            }
        });
        return out;
    }

    private static boolean isKnownClientProperty(String property) {
        return ProducerConfig.configNames().contains(property) || ConsumerConfig.configNames().contains(property)
                || AdminClientConfig.configNames().contains(property);
    }

    private static String parseBootstrap(String raw) {
        String value = raw.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty; write host:port[,host:port...]");
        }
        for (String server : value.split(",", -1)) {
            var m = BROKER.matcher(server.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + server.strip() + "' is not host:port");
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " of '" + server.strip()
                        + "' is out of range 1 .. 65535");
            }
        }
        return value;
    }

    /** These settings with other bootstrap servers (a command-line option over the environment). */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(parseBootstrap(servers), topicRequests, topicCompletions, topicDlq, workerGroup,
                topicRequestsPattern, defaultModel, topicFleet, topicProgress, topicPartitions, topicReplicationFactor,
                clientOverrides);
    }

    /** Configuration for a KafkaProducer: bootstrap servers plus the pass-through producer properties. */
    public Map<String, Object> producerConfig() {
        return clientConfig(ProducerConfig.configNames(), null);
    }

    /**
     * Configuration for a KafkaConsumer in {@code groupId}: bootstrap servers, group id and the pass-through
     * consumer properties. Use {@link #workerGroup()} for workers; other readers use their own group.
     */
    public Map<String, Object> consumerConfig(String groupId) {
        return clientConfig(ConsumerConfig.configNames(), groupId);
    }

    /** Configuration for an Admin client (topic creation): bootstrap servers plus pass-through admin properties. */
    public Map<String, Object> adminConfig() {
        return clientConfig(AdminClientConfig.configNames(), null);
    }

    /** {@link #producerConfig()} as Properties. */
    public Properties producerProperties() {
        return properties(producerConfig());
    }

    /** {@link #consumerConfig(String)} as Properties. */
    public Properties consumerProperties(String groupId) {
        return properties(consumerConfig(groupId));
    }

    /** {@link #adminConfig()} as Properties. */
    public Properties adminProperties() {
        return properties(adminConfig());
    }

    private Map<String, Object> clientConfig(Set<String> known, String groupId) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bootstrap.servers", bootstrapServers);
        if (groupId != null) {
            out.put("group.id", groupId);
        }
        clientOverrides.forEach((k, v) -> {
            if (known.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Properties properties(Map<String, Object> config) {
        Properties p = new Properties();
        p.putAll(config);
        return p;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        clientOverrides.forEach((k, v) -> shown.put(k, SENSITIVE.matcher(k).matches() ? ConfigProblem.HIDDEN : v));
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topicRequests=" + topicRequests
                + ", topicCompletions=" + topicCompletions + ", topicDlq=" + topicDlq + ", workerGroup=" + workerGroup
                + ", topicRequestsPattern=" + topicRequestsPattern + ", defaultModel=" + defaultModel
                + ", topicFleet=" + topicFleet + ", topicProgress=" + topicProgress
                + ", topicPartitions=" + topicPartitions + ", topicReplicationFactor=" + topicReplicationFactor
                + ", clientOverrides=" + shown + "]";
    }
}
