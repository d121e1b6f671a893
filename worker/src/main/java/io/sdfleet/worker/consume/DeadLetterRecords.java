package io.sdfleet.worker.consume;

import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.SdfleetHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record for a refused request: the ORIGINAL key and value bytes untouched (so the
 * record can be fixed and replayed), the original headers, and the sdfleet DLQ headers
 * ({@link SdfleetHeaders}): reason, message, source topic, partition, offset and worker.
 *
 * <p>Stateless. The record is not sent here: it is written with the next commit (in the same Kafka
 * transaction as the offset that moves past the refused record), so a refused record is never lost
 * and, with transactions, never dead-lettered twice.
 */
public final class DeadLetterRecords {

    private final String dlqTopic;
    private final String workerId;

    public DeadLetterRecords(String dlqTopic, String workerId) {
        this.dlqTopic = dlqTopic;
        this.workerId = workerId;
    }

    /** The DLQ record for {@code source}, refused for {@code why}. */
    public ProducerRecord<byte[], byte[]> toDeadLetter(ConsumerRecord<byte[], byte[]> source,
            InvalidRecordException why) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : source.headers()) {
            // An earlier DLQ header (a replayed dead letter refused again) is replaced, not duplicated.
            if (!h.key().startsWith("sdfleet-dlq-")) {
                headers.add(h);
            }
        }
        put(headers, SdfleetHeaders.DLQ_REASON, why.reason().code());
        put(headers, SdfleetHeaders.DLQ_MESSAGE, truncate(why.getMessage()));
        put(headers, SdfleetHeaders.DLQ_SOURCE_TOPIC, source.topic());
        put(headers, SdfleetHeaders.DLQ_SOURCE_PARTITION, Integer.toString(source.partition()));
        put(headers, SdfleetHeaders.DLQ_SOURCE_OFFSET, Long.toString(source.offset()));
        put(headers, SdfleetHeaders.DLQ_WORKER, workerId);
        // Same key as the source: a DLQ consumer sees a job's refusals in order, on one partition.
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Cuts the message to {@link SdfleetHeaders#MAX_DLQ_MESSAGE_CHARS}, never inside a surrogate pair. */
    static String truncate(String message) {
        int max = SdfleetHeaders.MAX_DLQ_MESSAGE_CHARS;
        if (message.length() <= max) {
            return message;
        }
        int end = Character.isHighSurrogate(message.charAt(max - 1)) ? max - 1 : max;
        return message.substring(0, end);
    }
}
