package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker supports transactions: a committed transaction is visible to a read_committed reader, an
 * aborted one is not (while a read_uncommitted reader proves the aborted record was really written).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class KafkaTransactionsTest {

    @Test
    void readCommittedSeesCommittedNotAborted(LocalStack stack) throws Exception {
        String topic = TestNames.unique("tx");
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(topic, 1)), TestClients.WAIT);
        Map<String, Object> transactional = Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("tx-id"),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(stack.bootstrapServers(), transactional)) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed-1");
            producer.commitTransaction();

            sendInTransaction(producer, topic, "aborted");
            producer.flush(); // the record reaches the log before the abort marker
            producer.abortTransaction();

            sendInTransaction(producer, topic, "committed-2");
            producer.commitTransaction();
        }

        assertEquals(List.of("committed-1", "committed-2"), values(stack, topic, "read_committed", 2));
        assertEquals(List.of("committed-1", "aborted", "committed-2"), values(stack, topic, "read_uncommitted", 3));
    }

    private static void sendInTransaction(KafkaProducer<byte[], byte[]> producer, String topic, String value)
            throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, value.getBytes(), value.getBytes())).get();
    }

    private static List<String> values(LocalStack stack, String topic, String isolation, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = TestClients.consumer(stack.bootstrapServers(),
                TestNames.unique("tx-reader"), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = TestClients.pollAtLeast(consumer, expected);
            // one more poll: a record beyond the expected ones (an aborted one leaking) must show up here
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            return records.stream().map(r -> new String(r.value())).toList();
        }
    }
}
