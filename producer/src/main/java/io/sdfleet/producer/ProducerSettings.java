package io.sdfleet.producer;

import io.sdfleet.common.config.StoreSettings;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.Setting;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The producer library's configuration from the environment: the common {@link KafkaSettings} (bootstrap
 * servers, topics, {@code SDFLEET_KAFKA_*} client properties — e.g. {@code SDFLEET_KAFKA_MAX_BLOCK_MS} and
 * {@code SDFLEET_KAFKA_DELIVERY_TIMEOUT_MS} for the submit bounds) plus the producer's own settings below.
 * All are read and checked together; one {@link io.sdfleet.common.config.ConfigException} lists every bad one.
 *
 * @param kafka              where the cluster and topics are
 * @param completionLookback how far before a job's submit time completion reading starts
 * @param modelCheck         refuse a request before sending when no live worker serves its model
 * @param store              the fleet's object store, for requests with local pictures; null when
 *                           {@code SDFLEET_S3_ENDPOINT} is not set (such requests are then refused before sending)
 */
public record ProducerSettings(KafkaSettings kafka, Duration completionLookback, boolean modelCheck,
        StoreSettings store) {

    public static final Setting<Duration> COMPLETION_LOOKBACK = Setting.duration(
            "SDFLEET_PRODUCER_COMPLETION_LOOKBACK", SdfleetProducerBuilder.DEFAULT_COMPLETION_LOOKBACK,
            Duration.ZERO, Duration.ofDays(1),
            "How far before a job's submit time awaitCompletion starts reading completions (clock differences).");

    public static final Setting<Boolean> MODEL_CHECK = Setting.bool("SDFLEET_PRODUCER_MODEL_CHECK",
            SdfleetProducerBuilder.DEFAULT_MODEL_CHECK, "Refuse a request before sending it when no live worker in the"
                    + " fleet catalog (SDFLEET_TOPIC_FLEET) serves its model; false for a fleet that scales from zero.");

    /** The producer's own settings, in table order (the Kafka ones are {@link KafkaSettings#SETTINGS}). */
    public static final List<Setting<?>> SETTINGS = List.of(COMPLETION_LOOKBACK, MODEL_CHECK);

    /**
     * Reads and checks every setting.
     *
     * @throws io.sdfleet.common.config.ConfigException listing every bad variable
     */
    public static ProducerSettings fromEnv(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        KafkaSettings kafka = KafkaSettings.read(reader);
        Duration lookback = reader.get(COMPLETION_LOOKBACK);
        boolean modelCheck = reader.get(MODEL_CHECK);
        // Why only when the endpoint is set: a txt2img client needs no object store, and the defaults point at a
        // local MinIO that a producer elsewhere should not silently upload to.
        StoreSettings store = env.containsKey(StoreSettings.ENDPOINT.name()) ? StoreSettings.read(reader) : null;
        reader.throwIfInvalid();
        return new ProducerSettings(kafka, lookback, modelCheck, store);
    }
}
