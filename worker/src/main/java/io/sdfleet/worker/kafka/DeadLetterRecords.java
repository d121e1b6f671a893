package io.sdfleet.worker.kafka;

import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.SdfleetHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record for a refused request: the ORIGINAL key and value bytes untouched (so the
 * record can be fixed and replayed), the original headers, and the sdfleet DLQ headers
 * ({@link SdfleetHeaders}): reason, message, source topic, partition, offset and worker.
 *
 * <p>Size cap: a record whose original value plus key and headers would exceed {@code maxRecordBytes}
 * (the producer's max.request.size less {@link #HEADROOM_BYTES} for the batch framing) could never be sent
 * (RecordTooLargeException) and would block every commit of the worker. Its DLQ record keeps the key and
 * every header but carries only the first bytes of the value that fit, with
 * {@link SdfleetHeaders#DLQ_ORIGINAL_SIZE} and {@link SdfleetHeaders#DLQ_VALUE_TRUNCATED}.
 *
 * <p>Stateless. The record is not sent here: it is written with the next commit (in the same Kafka
 * transaction as the offset that moves past the refused record), so a refused record is never lost
 * and, with transactions, never dead-lettered twice.
 */
public final class DeadLetterRecords {

    /** Bytes of max.request.size kept for the record batch and request framing. */
    public static final int HEADROOM_BYTES = 16 * 1024;
    /** Per-header framing counted on top of key and value bytes (varint lengths, generously). */
    private static final int PER_HEADER_OVERHEAD = 10;
    /** The producer's default max.request.size. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private final String dlqTopic;
    private final String workerId;
    private final int maxRecordBytes;

    /** @param maxRequestSize the max.request.size of the producer that writes the DLQ records */
    public DeadLetterRecords(String dlqTopic, String workerId, int maxRequestSize) {
        if (maxRequestSize <= 2 * HEADROOM_BYTES) {
            throw new IllegalArgumentException("max.request.size " + maxRequestSize + " is too small for a DLQ record");
        }
        this.dlqTopic = dlqTopic;
        this.workerId = workerId;
        this.maxRecordBytes = maxRequestSize - HEADROOM_BYTES;
    }

    public DeadLetterRecords(String dlqTopic, String workerId) {
        this(dlqTopic, workerId, DEFAULT_MAX_REQUEST_SIZE);
    }

    /** Largest serialized size (key, value, headers) of a DLQ record built here. */
    public int maxRecordBytes() {
        return maxRecordBytes;
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
        byte[] value = source.value();
        int fixed = sizeOf(source.key()) + sizeOf(headers);
        if (value != null && fixed + value.length > maxRecordBytes) {
            put(headers, SdfleetHeaders.DLQ_ORIGINAL_SIZE, Integer.toString(value.length));
            put(headers, SdfleetHeaders.DLQ_VALUE_TRUNCATED, "true");
            int room = Math.max(0, maxRecordBytes - sizeOf(source.key()) - sizeOf(headers));
            value = Arrays.copyOf(value, Math.min(room, value.length));
        }
        // Same key as the source: a DLQ consumer sees a job's refusals in order, on one partition.
        return new ProducerRecord<>(dlqTopic, null, source.key(), value, headers);
    }

    /**
     * The smallest DLQ record standing for {@code unsendable}, a record of a commit that the producer or the
     * broker refused for itself ({@link UnsendableRecords}): same key, empty value, its sdfleet DLQ headers
     * (when it was a dead letter already) or its topic as the source, the original size, and a message
     * naming the send failure. A completion replaced this way is lost (the job is in the DLQ instead): the
     * only alternative would be a worker that can never commit again.
     */
    public ProducerRecord<byte[], byte[]> unsendable(ProducerRecord<byte[], byte[]> unsendable, Throwable why) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : unsendable.headers()) {
            if (h.key().startsWith("sdfleet-dlq-") && !h.key().equals(SdfleetHeaders.DLQ_MESSAGE)
                    && !h.key().equals(SdfleetHeaders.DLQ_ORIGINAL_SIZE)
                    && !h.key().equals(SdfleetHeaders.DLQ_VALUE_TRUNCATED)) {
                headers.add(h);
            }
        }
        if (headers.lastHeader(SdfleetHeaders.DLQ_SOURCE_TOPIC) == null) {
            put(headers, SdfleetHeaders.DLQ_SOURCE_TOPIC, unsendable.topic());
        }
        if (headers.lastHeader(SdfleetHeaders.DLQ_WORKER) == null) {
            put(headers, SdfleetHeaders.DLQ_WORKER, workerId);
        }
        put(headers, SdfleetHeaders.DLQ_MESSAGE, truncate("the record for " + unsendable.topic()
                + " could not be sent (" + why + "); its value is left out"));
        put(headers, SdfleetHeaders.DLQ_ORIGINAL_SIZE, Integer.toString(sizeOf(unsendable.value())));
        put(headers, SdfleetHeaders.DLQ_VALUE_TRUNCATED, "true");
        return new ProducerRecord<>(dlqTopic, null, unsendable.key(), new byte[0], headers);
    }

    private static int sizeOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static int sizeOf(Headers headers) {
        int n = 0;
        for (Header h : headers) {
            n += h.key().getBytes(StandardCharsets.UTF_8).length + sizeOf(h.value()) + PER_HEADER_OVERHEAD;
        }
        return n;
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
