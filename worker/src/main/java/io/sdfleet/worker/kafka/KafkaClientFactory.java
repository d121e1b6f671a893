package io.sdfleet.worker.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes the worker's Kafka clients from their properties. Injected so tests can wrap or replace the
 * clients; {@link #KAFKA} makes the real ones (byte-array keys and values: the worker decodes itself, so
 * that a bad record reaches the DLQ with its original bytes instead of failing in a deserializer).
 */
public interface KafkaClientFactory {

    Consumer<byte[], byte[]> consumer(Map<String, Object> config);

    Producer<byte[], byte[]> producer(Map<String, Object> config);

    /** Real KafkaConsumer and KafkaProducer. */
    KafkaClientFactory KAFKA = new KafkaClientFactory() {
        @Override
        public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Producer<byte[], byte[]> producer(Map<String, Object> config) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
    };
}
