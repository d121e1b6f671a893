package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records travel through the embedded broker over real sockets unchanged: key, value and headers. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class KafkaRoundTripTest {

    private static final int RECORDS = 20;

    @Test
    void recordsComeBackByteForByte(LocalStack stack) throws Exception {
        String topic = TestNames.unique("roundtrip");
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(topic, 3)), TestClients.WAIT);
        Random random = new Random();
        Map<String, byte[]> sentValues = new HashMap<>();
        Map<String, byte[]> sentHeaders = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(stack.bootstrapServers(), Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                String key = "job-" + i;
                byte[] value = new byte[1 + random.nextInt(2048)];
                random.nextBytes(value); // arbitrary bytes, not text
                byte[] header = new byte[16];
                random.nextBytes(header);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(), value);
                record.headers().add("trace", header);
                producer.send(record).get();
                sentValues.put(key, value);
                sentHeaders.put(key, header);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> received;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     TestClients.consumer(stack.bootstrapServers(), TestNames.unique("group"), Map.of())) {
            consumer.subscribe(List.of(topic));
            received = TestClients.pollAtLeast(consumer, RECORDS);
        }

        assertEquals(RECORDS, received.size(), "records received");
        for (ConsumerRecord<byte[], byte[]> record : received) {
            String key = new String(record.key());
            assertNotNull(sentValues.get(key), "unexpected key " + key);
            assertArrayEquals(sentValues.get(key), record.value(), "value of " + key);
            Header header = record.headers().lastHeader("trace");
            assertNotNull(header, "header of " + key);
            assertArrayEquals(sentHeaders.get(key), header.value(), "header of " + key);
        }
    }
}
