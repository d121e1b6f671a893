package io.sdfleet.local.it.producer;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.producer.CompletionTimeoutException;
import io.sdfleet.producer.SdfleetProducer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.sdfleet.local.it.producer.ProducerTestSupport.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The producer library against the embedded broker, checked with plain Kafka clients. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class SdfleetProducerKafkaTest {

    private static SdfleetProducer producer(LocalStack stack, ProducerTestSupport.Topics topics) {
        return SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers())
                .requestsTopic(topics.requests()).completionsTopic(topics.completions()).modelCheck(false).build();
    }

    @Test
    void submittedRequestIsReadBackByteForByteWithKeyAndHeaders(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "bytes");
        JobRequest complete = JobRequest.builder("a lighthouse at dawn").jobId("job-bytes-1").seed(1234L)
                .negativePrompt("blurry").size(640, 384).steps(25).guidanceScale(6.0)
                .scheduler(SchedulerName.EULER_ANCESTRAL).numImages(2).priority(3)
                .deadline(Instant.parse("2030-01-01T00:00:00Z")).putMetadata("team", "qa").build();
        JobRequest partial = JobRequest.builder("no id, no seed").build();
        String generatedId;
        try (SdfleetProducer producer = producer(stack, topics)) {
            assertEquals("job-bytes-1", producer.submit(complete, "trace-abc"));
            generatedId = producer.submit(partial);
        }

        List<ConsumerRecord<String, byte[]>> records = ProducerTestSupport.readAll(stack, topics.requests(), 2);
        assertEquals(2, records.size());
        ConsumerRecord<String, byte[]> first = records.stream().filter(r -> r.key().equals("job-bytes-1"))
                .findFirst().orElseThrow();
        assertArrayEquals(JobCodec.shared().encode(complete), first.value());
        assertEquals(JobRequest.SCHEMA, header(first, SdfleetHeaders.SCHEMA));
        assertEquals("trace-abc", header(first, SdfleetHeaders.TRACE_ID));

        ConsumerRecord<String, byte[]> second = records.stream().filter(r -> r.key().equals(generatedId))
                .findFirst().orElseThrow();
        JobRequest decoded = JobCodec.shared().decodeRequest(second.value());
        assertEquals(generatedId, decoded.jobId());
        assertNotNull(decoded.seed());
        assertEquals(partial.withJobId(generatedId).withSeed(decoded.seed()), decoded,
                "only jobId and seed were filled in");
        assertNotNull(header(second, SdfleetHeaders.TRACE_ID));
    }

    @Test
    void jobIdsAreUniqueUnderConcurrentSubmits(LocalStack stack) throws Exception {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "concurrent");
        int threads = 8;
        int perThread = 250;
        Set<String> ids = new HashSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SdfleetProducer producer = producer(stack, topics)) {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<CompletableFuture<String>> sends = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        sends.add(producer.submitAsync(JobRequest.builder("t" + thread + " #" + i).build()));
                    }
                    List<String> out = new ArrayList<>();
                    for (CompletableFuture<String> s : sends) {
                        out.add(s.get());
                    }
                    return out;
                }));
            }
            for (Future<List<String>> f : futures) {
                for (String id : f.get()) {
                    assertTrue(ids.add(id), "duplicate job id " + id);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, ids.size());
        List<ConsumerRecord<String, byte[]>> records =
                ProducerTestSupport.readAll(stack, topics.requests(), threads * perThread);
        assertEquals(threads * perThread, records.size());
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(r.key()));
        assertEquals(ids, keys, "every acknowledged job is on the topic exactly once, keyed by its id");
    }

    @Test
    void awaitCompletionFindsACompletionPublishedBeforeTheCall(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "await-before");
        try (SdfleetProducer producer = producer(stack, topics)) {
            String jobId = producer.submit(JobRequest.builder("early bird").build());
            String otherId = producer.submit(JobRequest.builder("other").build());
            ProducerTestSupport.publish(stack, topics.completions(),
                    List.of(ProducerTestSupport.succeeded(otherId), ProducerTestSupport.succeeded(jobId)));

            Completion completion = producer.awaitCompletion(jobId, WAIT);

            assertEquals(jobId, completion.jobId());
            Map<String, Completion> both = producer.awaitCompletions(List.of(otherId, jobId), WAIT);
            assertEquals(List.of(otherId, jobId), List.copyOf(both.keySet()));
        }
    }

    @Test
    void awaitCompletionTimesOutWithWhatDidArrive(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "await-timeout");
        try (SdfleetProducer producer = producer(stack, topics)) {
            String done = producer.submit(JobRequest.builder("done").build());
            String pending = producer.submit(JobRequest.builder("never done").build());
            ProducerTestSupport.publish(stack, topics.completions(), List.of(ProducerTestSupport.succeeded(done)));

            long start = System.nanoTime();
            CompletionTimeoutException e = assertThrows(CompletionTimeoutException.class,
                    () -> producer.awaitCompletions(List.of(done, pending), Duration.ofSeconds(2)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(Set.of(pending), e.missing());
            assertEquals(Set.of(done), e.received().keySet());
            assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "bounded wait, took " + took);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
