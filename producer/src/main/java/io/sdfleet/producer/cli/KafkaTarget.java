package io.sdfleet.producer.cli;

import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.kafka.ClientProperties;
import io.sdfleet.producer.kafka.CompletionReader;
import io.sdfleet.producer.kafka.StartPosition;
import io.sdfleet.common.JobCodec;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the command talks to: bootstrap servers, topics and pass-through client properties, resolved from
 * the environment with {@code --bootstrap-servers} on top. Opening clients is the only thing that may
 * touch the network, and commands do it only after every argument has been checked.
 */
record KafkaTarget(KafkaSettings kafka, Duration completionLookback, boolean modelCheck,
        io.sdfleet.common.config.StoreSettings store) {

    private static final AtomicInteger READERS = new AtomicInteger();

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String completionsTopic() {
        return kafka.topicCompletions();
    }

    Map<String, Object> clientOverrides() {
        return kafka.clientOverrides();
    }

    SdfleetProducer openProducer() {
        return openProducer(modelCheck);
    }

    /** A producer; {@code check} false sends without the fleet catalog's model check (--no-model-check). */
    SdfleetProducer openProducer(boolean check) {
        return SdfleetProducer.builder()
                .kafkaSettings(kafka)
                .completionLookback(completionLookback)
                .modelCheck(check)
                .store(store)
                .build();
    }

    CompletionReader openCompletionReader(StartPosition start) {
        Map<String, Object> producerProperties = ClientProperties.producer(bootstrapServers(), clientOverrides(),
                "unused");
        Map<String, Object> properties = ClientProperties.completionReader(bootstrapServers(), clientOverrides(),
                "sdfleet-watch-" + READERS.incrementAndGet());
        return new CompletionReader(new KafkaConsumer<>(properties), completionsTopic(), start,
                ClientProperties.maxBlock(producerProperties), bootstrapServers(), JobCodec.shared()::decodeCompletion);
    }
}
