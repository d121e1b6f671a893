package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdfleet.common.FailureReason;
import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.common.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

    private final DeadLetterRecords dlq = new DeadLetterRecords("sd.requests.dlq", "worker-7");

    private static ConsumerRecord<byte[], byte[]> source(byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("sd.requests", 3, 42L, 1000L, TimestampType.CREATE_TIME, -1, -1, key, value,
                headers, Optional.empty());
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsOriginalBytesAndHeadersAndAddsTheDlqHeaders() {
        byte[] key = {1, 2, 3};
        byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        headers.add(SdfleetHeaders.DLQ_REASON, "OLD".getBytes(StandardCharsets.UTF_8));
        InvalidRecordException why = assertThrows(InvalidRecordException.class,
                () -> JobCodec.shared().decodeRequest(value));

        ProducerRecord<byte[], byte[]> r = dlq.toDeadLetter(source(key, value, headers), why);

        assertEquals("sd.requests.dlq", r.topic());
        assertNull(r.partition());
        assertArrayEquals(key, r.key());
        assertArrayEquals(value, r.value());
        assertEquals("00-abc", header(r, "traceparent"));
        assertEquals(FailureReason.MALFORMED_JSON.code(), header(r, SdfleetHeaders.DLQ_REASON));
        assertEquals(1, r.headers().toArray().length - 6, "one original header kept, the old DLQ one replaced");
        assertEquals(why.getMessage(), header(r, SdfleetHeaders.DLQ_MESSAGE));
        assertEquals("sd.requests", header(r, SdfleetHeaders.DLQ_SOURCE_TOPIC));
        assertEquals("3", header(r, SdfleetHeaders.DLQ_SOURCE_PARTITION));
        assertEquals("42", header(r, SdfleetHeaders.DLQ_SOURCE_OFFSET));
        assertEquals("worker-7", header(r, SdfleetHeaders.DLQ_WORKER));
    }

    @Test
    void longMessagesAreCutToTheHeaderLimit() {
        String longText = "x".repeat(SdfleetHeaders.MAX_DLQ_MESSAGE_CHARS * 2);
        InvalidRecordException why = new InvalidRecordException(FailureReason.INVALID_FIELDS,
                List.of(new Violation("prompt", longText)), null);
        ProducerRecord<byte[], byte[]> r = dlq.toDeadLetter(source(null, new byte[0], new RecordHeaders()), why);
        assertEquals(SdfleetHeaders.MAX_DLQ_MESSAGE_CHARS, header(r, SdfleetHeaders.DLQ_MESSAGE).length());
        assertNull(r.key(), "a null key stays null");
    }

    @Test
    void aRecordTooLargeForTheProducerKeepsItsHeadersAndATruncatedValue() {
        byte[] key = "job-big".getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[1_047_000];
        java.util.Arrays.fill(value, (byte) 'x'); // not JSON: refused with a long message
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        InvalidRecordException why = new InvalidRecordException(FailureReason.MALFORMED_JSON,
                List.of(new Violation("$", "y".repeat(10_000))), null);
        DeadLetterRecords capped = new DeadLetterRecords("sd.requests.dlq", "worker-7", 1024 * 1024);

        ProducerRecord<byte[], byte[]> r = capped.toDeadLetter(source(key, value, headers), why);

        int size = r.key().length + r.value().length;
        for (var h : r.headers()) {
            size += h.key().length() + h.value().length;
        }
        org.junit.jupiter.api.Assertions.assertTrue(size <= capped.maxRecordBytes(), "record bytes " + size);
        org.junit.jupiter.api.Assertions.assertTrue(r.value().length > 0 && r.value().length < value.length);
        assertArrayEquals(java.util.Arrays.copyOf(value, r.value().length), r.value());
        assertEquals("1047000", header(r, SdfleetHeaders.DLQ_ORIGINAL_SIZE));
        assertEquals("true", header(r, SdfleetHeaders.DLQ_VALUE_TRUNCATED));
        assertEquals("00-abc", header(r, "traceparent"));
        assertEquals(FailureReason.MALFORMED_JSON.code(), header(r, SdfleetHeaders.DLQ_REASON));
    }

    @Test
    void aRecordThatFitsIsNotMarkedTruncated() {
        byte[] value = new byte[500_000];
        InvalidRecordException why = assertThrows(InvalidRecordException.class,
                () -> JobCodec.shared().decodeRequest(value));
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecords("dlq", "w", 1024 * 1024)
                .toDeadLetter(source(null, value, new RecordHeaders()), why);
        assertArrayEquals(value, r.value());
        assertNull(header(r, SdfleetHeaders.DLQ_VALUE_TRUNCATED));
        assertNull(header(r, SdfleetHeaders.DLQ_ORIGINAL_SIZE));
    }
}
