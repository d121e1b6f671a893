package io.sdfleet.producer;

import io.sdfleet.common.ModelNames;
import io.sdfleet.common.config.ModelRouting;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.producer.kafka.ClientProperties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Configures an {@link SdfleetProducer}. Start from {@link SdfleetProducer#builder()}; every setting has a
 * default (the constants below and those of {@link ClientProperties}). Not thread-safe; one per producer.
 */
public final class SdfleetProducerBuilder {

    /** Default bootstrap servers, as in the common Kafka settings. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS;
    /** Default requests topic. */
    public static final String DEFAULT_REQUESTS_TOPIC = KafkaSettings.DEFAULT_TOPIC_REQUESTS;
    /** Default completions topic. */
    public static final String DEFAULT_COMPLETIONS_TOPIC = KafkaSettings.DEFAULT_TOPIC_COMPLETIONS;
    /** Default look-back before a submit time where completion reading starts (clock differences). */
    public static final Duration DEFAULT_COMPLETION_LOOKBACK = Duration.ofMinutes(1);
    /** Whether a request is checked against the fleet catalog before it is sent, by default. */
    public static final boolean DEFAULT_MODEL_CHECK = true;
    /** Default bound on {@link SdfleetProducer#close()}. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default number of submit times remembered for {@code awaitCompletion}. */
    public static final int DEFAULT_RECENT_SUBMIT_CAPACITY = 100_000;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
    private String requestsTopic = DEFAULT_REQUESTS_TOPIC;
    private String requestsTopicPattern = KafkaSettings.DEFAULT_TOPIC_REQUESTS_PATTERN;
    private String defaultModel = KafkaSettings.DEFAULT_DEFAULT_MODEL;
    private String workerGroup = KafkaSettings.DEFAULT_WORKER_GROUP;
    private String fleetTopic = KafkaSettings.DEFAULT_TOPIC_FLEET;
    private String progressTopic = KafkaSettings.DEFAULT_TOPIC_PROGRESS;
    private boolean modelCheck = DEFAULT_MODEL_CHECK;
    private String completionsTopic = DEFAULT_COMPLETIONS_TOPIC;
    private final Map<String, Object> clientProperties = new LinkedHashMap<>();
    private Duration completionLookback = DEFAULT_COMPLETION_LOOKBACK;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private int recentSubmitCapacity = DEFAULT_RECENT_SUBMIT_CAPACITY;
    private Clock clock = Clock.systemUTC();
    private RequestNormalizer normalizer;
    private Function<Map<String, Object>, Producer<String, byte[]>> producerFactory = KafkaProducer::new;
    private Function<Map<String, Object>, Consumer<String, byte[]>> consumerFactory = KafkaConsumer::new;

    SdfleetProducerBuilder() {
    }

    /** Bootstrap servers, topics and pass-through client properties from the common Kafka settings. */
    public SdfleetProducerBuilder kafkaSettings(KafkaSettings settings) {
        bootstrapServers(settings.bootstrapServers());
        requestsTopic(settings.topicRequests());
        requestsTopicPattern(settings.topicRequestsPattern());
        defaultModel(settings.defaultModel());
        workerGroup = settings.workerGroup();
        fleetTopic(settings.topicFleet());
        progressTopic(settings.topicProgress());
        completionsTopic(settings.topicCompletions());
        return clientProperties(settings.clientOverrides());
    }

    /** Everything from {@link ProducerSettings}. */
    public SdfleetProducerBuilder settings(ProducerSettings settings) {
        kafkaSettings(settings.kafka());
        modelCheck(settings.modelCheck());
        store = settings.store();
        return completionLookback(settings.completionLookback());
    }

    /**
     * The fleet's object store, where local pictures ({@code JobRequest.Builder.initImage(Path)}) are uploaded;
     * null (the default unless {@code SDFLEET_S3_ENDPOINT} is set) refuses such requests before sending.
     */
    public SdfleetProducerBuilder store(io.sdfleet.common.config.StoreSettings value) {
        store = value;
        return this;
    }

    /**
     * Everything from environment variables ({@link ProducerSettings#fromEnv}).
     *
     * @throws io.sdfleet.common.config.ConfigException listing every bad variable
     */
    public SdfleetProducerBuilder env(Map<String, String> env) {
        return settings(ProducerSettings.fromEnv(env));
    }

    /** Kafka bootstrap servers, {@code host:port[,host:port...]}. */
    public SdfleetProducerBuilder bootstrapServers(String value) {
        bootstrapServers = requireText(value, "bootstrapServers");
        return this;
    }

    /** The topic requests are written to. */
    public SdfleetProducerBuilder requestsTopic(String value) {
        requestsTopic = requireText(value, "requestsTopic");
        return this;
    }

    /**
     * The topic of the requests for a model other than the {@linkplain #defaultModel default one}, with
     * {@value KafkaSettings#MODEL_PLACEHOLDER} for its name (default {@value KafkaSettings#DEFAULT_TOPIC_REQUESTS_PATTERN}).
     */
    public SdfleetProducerBuilder requestsTopicPattern(String value) {
        requestsTopicPattern = requireText(value, "requestsTopicPattern");
        if (!value.contains(KafkaSettings.MODEL_PLACEHOLDER)) {
            throw new IllegalArgumentException("requestsTopicPattern must contain " + KafkaSettings.MODEL_PLACEHOLDER);
        }
        return this;
    }

    /**
     * The model whose requests (and requests naming none) go to {@link #requestsTopic}; other models' requests go to
     * their own topics ({@link io.sdfleet.common.config.ModelRouting}). Empty (the default): a fleet of one model,
     * every request on {@link #requestsTopic}.
     */
    public SdfleetProducerBuilder defaultModel(String value) {
        defaultModel = value == null || value.isBlank() ? "" : ModelNames.require(value);
        return this;
    }

    /** The fleet catalog topic the model check reads (default {@value KafkaSettings#DEFAULT_TOPIC_FLEET}). */
    public SdfleetProducerBuilder fleetTopic(String value) {
        fleetTopic = requireText(value, "fleetTopic");
        return this;
    }

    /** The progress topic awaitCompletion's listener reads (default {@value KafkaSettings#DEFAULT_TOPIC_PROGRESS}). */
    public SdfleetProducerBuilder progressTopic(String value) {
        progressTopic = requireText(value, "progressTopic");
        return this;
    }

    /**
     * Whether each request is refused before it is sent ({@link ModelNotServedException}) when no live worker in the
     * fleet catalog serves its model (default true). Turn it off for a fleet that scales from zero: its requests wait
     * on the topic until a worker starts.
     */
    public SdfleetProducerBuilder modelCheck(boolean value) {
        modelCheck = value;
        return this;
    }

    /** The topic completion events are read from. */
    public SdfleetProducerBuilder completionsTopic(String value) {
        completionsTopic = requireText(value, "completionsTopic");
        return this;
    }

    /**
     * A Kafka client property passed to both clients (e.g. {@code security.protocol}, {@code max.block.ms});
     * see {@link ClientProperties} for what cannot be overridden.
     */
    public SdfleetProducerBuilder clientProperty(String key, Object value) {
        clientProperties.put(requireText(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Several client properties at once (e.g. the {@code SDFLEET_KAFKA_*} overrides). */
    public SdfleetProducerBuilder clientProperties(Map<String, ?> values) {
        values.forEach(this::clientProperty);
        return this;
    }

    /** How far before a job's submit time completion reading starts; covers clock differences. */
    public SdfleetProducerBuilder completionLookback(Duration value) {
        completionLookback = requireNotNegative(value, "completionLookback");
        return this;
    }

    /** Longest wait of {@link SdfleetProducer#close()} for records still in flight. */
    public SdfleetProducerBuilder closeTimeout(Duration value) {
        closeTimeout = requireNotNegative(value, "closeTimeout");
        return this;
    }

    /** How many submit times are remembered for {@code awaitCompletion}. */
    public SdfleetProducerBuilder recentSubmitCapacity(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("recentSubmitCapacity must be at least 1, got " + value);
        }
        recentSubmitCapacity = value;
        return this;
    }

    /** The clock submit times are taken from. */
    public SdfleetProducerBuilder clock(Clock value) {
        clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Where generated job ids and seeds come from (default: UUIDv7 on {@link #clock}, random seeds). */
    public SdfleetProducerBuilder normalizer(RequestNormalizer value) {
        normalizer = Objects.requireNonNull(value, "normalizer");
        return this;
    }

    /** Makes the Kafka producer from the merged properties (tests pass a {@code MockProducer}). */
    public SdfleetProducerBuilder producerFactory(Function<Map<String, Object>, Producer<String, byte[]>> value) {
        producerFactory = Objects.requireNonNull(value, "producerFactory");
        return this;
    }

    /** Makes completion-reader consumers from the merged properties. */
    public SdfleetProducerBuilder consumerFactory(Function<Map<String, Object>, Consumer<String, byte[]>> value) {
        consumerFactory = Objects.requireNonNull(value, "consumerFactory");
        return this;
    }

    private io.sdfleet.common.config.StoreSettings store;

    /** Creates the producer (the Kafka client connects lazily, on the first send). */
    public SdfleetProducer build() {
        int instance = INSTANCES.incrementAndGet();
        Map<String, Object> producerProperties = ClientProperties.producer(bootstrapServers, clientProperties,
                "sdfleet-producer-" + instance);
        Map<String, Object> consumerProperties = ClientProperties.completionReader(bootstrapServers,
                clientProperties, "sdfleet-completions-" + instance);
        RequestNormalizer chosen = normalizer != null
                ? normalizer
                : new RequestNormalizer(new JobIdGenerator(clock), RequestNormalizer.randomSeeds());
        ModelRouting routing = new ModelRouting(requestsTopic, workerGroup, requestsTopicPattern, defaultModel);
        return new SdfleetProducer(new ProducerOptions(bootstrapServers, routing, completionsTopic,
                producerProperties, consumerProperties, completionLookback, closeTimeout, recentSubmitCapacity,
                clock, chosen, producerFactory, consumerFactory, modelCheck, fleetTopic, progressTopic, store));
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private static Duration requireNotNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + value);
        }
        return value;
    }
}
