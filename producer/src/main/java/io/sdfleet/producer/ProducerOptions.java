package io.sdfleet.producer;

import io.sdfleet.common.config.ModelRouting;
import io.sdfleet.producer.kafka.ClientProperties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything an {@link SdfleetProducer} is built from, resolved by {@link SdfleetProducer.Builder}:
 * immutable, the Kafka properties already merged (see {@link ClientProperties}).
 */
record ProducerOptions(
        String bootstrapServers,
        ModelRouting routing,
        String completionsTopic,
        Map<String, Object> producerProperties,
        Map<String, Object> consumerProperties,
        Duration completionLookback,
        Duration closeTimeout,
        int recentSubmitCapacity,
        Clock clock,
        RequestNormalizer normalizer,
        Function<Map<String, Object>, Producer<String, byte[]>> producerFactory,
        Function<Map<String, Object>, Consumer<String, byte[]>> consumerFactory,
        boolean modelCheck,
        String fleetTopic,
        String progressTopic,
        io.sdfleet.common.config.StoreSettings store) {

    ProducerOptions {
        producerProperties = Map.copyOf(producerProperties);
        consumerProperties = Map.copyOf(consumerProperties);
    }

    /** The plain requests topic (that of the default model, and of every request in a fleet of one model). */
    String requestsTopic() {
        return routing.topicRequests();
    }

    /** How long a send may wait to find a broker and the topic; also bounds completion-topic lookups. */
    Duration maxBlock() {
        return ClientProperties.maxBlock(producerProperties);
    }

    /** How long an acknowledgement may take. */
    Duration deliveryTimeout() {
        return ClientProperties.deliveryTimeout(producerProperties);
    }
}
