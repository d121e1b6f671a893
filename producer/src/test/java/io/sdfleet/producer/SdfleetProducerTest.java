package io.sdfleet.producer;

import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.producer.kafka.StartPosition;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The submit path against Kafka's MockProducer: what goes on the wire and how failures surface. */
class SdfleetProducerTest {

    private final MockProducer<String, byte[]> mock =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    private SdfleetProducer producer() {
        return SdfleetProducer.builder().modelCheck(false).requestsTopic("req").completionsTopic("done")
                .producerFactory(props -> mock).build();
    }

    @Test
    void submitFillsJobIdAndSeedAndWritesKeyValueAndHeaders() {
        try (SdfleetProducer producer = producer()) {
            String jobId = producer.submit(JobRequest.builder("a red fox").steps(20).build(), "trace-1");

            assertTrue(JobIdGenerator.isUuidV7(jobId), jobId);
            ProducerRecord<String, byte[]> record = mock.history().get(0);
            assertEquals("req", record.topic());
            assertEquals(jobId, record.key());
            JobRequest sent = JobCodec.shared().decodeRequest(record.value());
            assertEquals(jobId, sent.jobId());
            assertNotNull(sent.seed());
            assertTrue(sent.seed() >= 0 && sent.seed() <= JobRequestLimits.MAX_SEED);
            assertEquals("a red fox", sent.prompt());
            assertEquals(20, sent.steps());
            assertEquals(JobRequest.SCHEMA, header(record, SdfleetHeaders.SCHEMA));
            assertEquals("trace-1", header(record, SdfleetHeaders.TRACE_ID));
        }
    }

    @Test
    void callerJobIdAndSeedAreKeptAndTraceIdIsGeneratedWhenAbsent() {
        try (SdfleetProducer producer = producer()) {
            String jobId = producer.submit(JobRequest.builder("x").jobId("job-42").seed(7L).build());

            assertEquals("job-42", jobId);
            ProducerRecord<String, byte[]> record = mock.history().get(0);
            assertEquals(7L, JobCodec.shared().decodeRequest(record.value()).seed());
            assertTrue(header(record, SdfleetHeaders.TRACE_ID).matches("[0-9a-f]{32}"));
        }
    }

    @Test
    void invalidRequestThrowsAtTheCallerAndSendsNothing() {
        try (SdfleetProducer producer = producer()) {
            JobRequest bad = JobRequest.builder("x").size(500, 512).steps(0).build();

            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> producer.submit(bad));
            assertEquals(Set.of("width", "steps"),
                    Set.copyOf(e.violations().stream().map(v -> v.field()).toList()));
            assertThrows(InvalidRequestException.class, () -> producer.submitAsync(bad));
            assertTrue(mock.history().isEmpty());
        }
    }

    @Test
    void submitAllReportsEachFailureAndSendsTheRest() {
        try (SdfleetProducer producer = producer()) {
            List<JobRequest> requests = Arrays.asList(
                    JobRequest.builder("one").build(),
                    JobRequest.builder("two").steps(999).build(),
                    null,
                    JobRequest.builder("four").build());

            List<SubmitResult> results = producer.submitAll(requests);

            assertEquals(4, results.size());
            assertTrue(results.get(0).isSent());
            assertInstanceOf(InvalidRequestException.class, results.get(1).failure());
            assertNotNull(results.get(1).jobId(), "an invalid request still names its job id");
            assertInstanceOf(InvalidRequestException.class, results.get(2).failure());
            assertTrue(results.get(3).isSent());
            assertEquals(List.of(results.get(0).jobId(), results.get(3).jobId()),
                    mock.history().stream().map(ProducerRecord::key).toList());
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i, results.get(i).index());
            }
        }
    }

    @Test
    void acknowledgementTimeoutIsKafkaUnavailableAndRefusalIsSubmitFailed() throws Exception {
        MockProducer<String, byte[]> manual =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (SdfleetProducer producer = SdfleetProducer.builder().modelCheck(false).producerFactory(p -> manual).build()) {
            CompletableFuture<String> first = producer.submitAsync(JobRequest.builder("a").build());
            CompletableFuture<String> second = producer.submitAsync(JobRequest.builder("b").build());
            manual.errorNext(new TimeoutException("Expiring 1 record(s)"));
            manual.errorNext(new RecordTooLargeException("too large"));

            ExecutionException timeout = assertThrows(ExecutionException.class, first::get);
            assertInstanceOf(KafkaUnavailableException.class, timeout.getCause());
            assertTrue(timeout.getCause().getMessage().contains("not acknowledged"), timeout.getCause().getMessage());
            ExecutionException refused = assertThrows(ExecutionException.class, second::get);
            SubmitFailedException failed = assertInstanceOf(SubmitFailedException.class, refused.getCause());
            assertEquals(manual.history().get(1).key(), failed.jobId());
        }
    }

    @Test
    void completionReadingStartsBeforeTheSubmitOrAtTheBeginningForUnknownIds() {
        try (SdfleetProducer producer = SdfleetProducer.builder().modelCheck(false).producerFactory(p -> mock)
                .completionLookback(Duration.ofSeconds(30)).build()) {
            Instant before = Instant.now();
            String known = producer.submit(JobRequest.builder("x").jobId("caller-chosen").build());
            Instant after = Instant.now();

            StartPosition forKnown = producer.startFor(Set.of(known));
            Instant start = assertInstanceOf(StartPosition.AtTime.class, forKnown).instant();
            assertFalse(start.isBefore(before.minusSeconds(30)), "30 s look-back before the submit: " + start);
            assertFalse(start.isAfter(after.minusSeconds(30)), "30 s look-back before the submit: " + start);

            String foreignV7 = new JobIdGenerator().next();
            Instant fromId = JobIdGenerator.timestampOf(foreignV7).orElseThrow();
            assertEquals(StartPosition.at(fromId.minusSeconds(30)), producer.startFor(Set.of(foreignV7)));

            assertEquals(StartPosition.BEGINNING, producer.startFor(Set.of(known, "someone-elses-job")));
        }
    }

    @Test
    void awaitCompletionsOfNothingReturnsAtOnce() {
        try (SdfleetProducer producer = producer()) {
            assertEquals(Map.of(), producer.awaitCompletions(new ArrayList<>(), Duration.ofSeconds(1)));
        }
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void byteForByteValueIsTheCodecEncodingOfTheNormalizedRequest() {
        try (SdfleetProducer producer = producer()) {
            JobRequest request = JobRequest.builder("same bytes").jobId("j-1").seed(99L).putMetadata("k", "v").build();
            producer.submit(request);
            assertArrayEquals(JobCodec.shared().encode(request), mock.history().get(0).value());
        }
    }
}
