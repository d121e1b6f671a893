package io.sdfleet.producer.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Kafka client properties of the producer library: sdfleet's defaults, then the operator's
 * pass-through properties ({@code SDFLEET_KAFKA_*}), then what sdfleet's guarantees need, which no
 * override can change.
 *
 * <p>Why these defaults: a submit must never hang, and must not fail just because the broker is slow.
 * {@code max.block.ms} bounds how long a send waits to find a broker and the topic
 * ({@value #DEFAULT_MAX_BLOCK_MS} ms): with no broker reachable a submit fails after that. Once a record is
 * handed to a broker, {@code delivery.timeout.ms} ({@value #DEFAULT_DELIVERY_TIMEOUT_MS} ms, Kafka's own
 * default) bounds how long the acknowledgement may take, retries included; a broker that goes away after
 * accepting the connection fails the submit after at most {@code max.block.ms + delivery.timeout.ms}. It is
 * deliberately not short: a batch that expires while in flight is one the client cannot tell written or
 * not, so the submit fails although the job may be on the topic, and the idempotent producer must reset its
 * sequence state (a new epoch) before it can write to that partition again. A loaded or failing-over broker
 * regularly takes more than a few seconds; a timeout of 15 s turned such hiccups into failed submits.
 * Kafka requires it to be at least {@code linger.ms + request.timeout.ms}. Both are ordinary overrides
 * ({@code SDFLEET_KAFKA_MAX_BLOCK_MS}, {@code SDFLEET_KAFKA_DELIVERY_TIMEOUT_MS}). The same
 * {@code max.block.ms} also bounds how long a completion reader waits for partition metadata.
 *
 * <p>Known broker defect (Kafka before 4.5, KAFKA-15591): an idempotent producer with several requests in
 * flight that writes to a partition in the moment after it was created can have its first batch refused
 * (NOT_LEADER_OR_FOLLOWER) while a later batch is appended; the first batch then fails with
 * OUT_OF_ORDER_SEQUENCE_NUMBER on every retry until {@code delivery.timeout.ms} expires it, and those
 * submits fail with {@code KafkaUnavailableException} (resubmitting them is safe). Create the topics before
 * producers start (the compose and k8s set-up jobs do), or set
 * {@code SDFLEET_KAFKA_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION=1}.
 *
 * <p>Client telemetry push (KIP-714) is off by default: completion readers live for one call, and a
 * push on close only delays it. An override may turn it on.
 *
 * <p>Forced, whatever the overrides say: serializers, {@code enable.idempotence=true} and
 * {@code acks=all} (a retried send is never duplicated or lost once acknowledged), and for completion
 * readers {@code isolation.level=read_committed} (completions of aborted worker transactions are never
 * seen), no group and no auto-commit.
 */
public final class ClientProperties {

    /** Default {@code max.block.ms}: how long a send may wait to find a broker and the topic. */
    public static final long DEFAULT_MAX_BLOCK_MS = 10_000;
    /** Default {@code request.timeout.ms} of both clients. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    /** Default {@code delivery.timeout.ms}: how long an acknowledgement may take, retries included. */
    public static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
    /** Default {@code linger.ms}: a short wait so that {@code submitAll} fills batches. */
    public static final long DEFAULT_LINGER_MS = 5;

    private ClientProperties() {
    }

    /** Properties of the idempotent job producer. */
    public static Map<String, Object> producer(String bootstrapServers, Map<String, Object> overrides,
            String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_REQUEST_TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DEFAULT_DELIVERY_TIMEOUT_MS);
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) DEFAULT_LINGER_MS);
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        p.putAll(overrides);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /**
     * Properties of a completion reader. Producer-only keys among the overrides are dropped, so that the
     * consumer does not warn about them.
     */
    public static Map<String, Object> completionReader(String bootstrapServers, Map<String, Object> overrides,
            String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_REQUEST_TIMEOUT_MS);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_MAX_BLOCK_MS);
        // A position that retention already deleted restarts at the oldest record still there.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        overrides.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    /** The effective {@code max.block.ms} of producer properties made by {@link #producer}. */
    public static Duration maxBlock(Map<String, Object> producerProperties) {
        return Duration.ofMillis(asLong(producerProperties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)));
    }

    /** The effective {@code delivery.timeout.ms} of producer properties made by {@link #producer}. */
    public static Duration deliveryTimeout(Map<String, Object> producerProperties) {
        return Duration.ofMillis(asLong(producerProperties.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)));
    }

    private static long asLong(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of milliseconds: " + value, e);
        }
    }
}
