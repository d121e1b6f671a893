package io.sdfleet.producer.replay;

import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.producer.JobIdGenerator;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.SubmitResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay loop against Kafka's {@link MockConsumer} and a recording sink: it stops at the range end,
 * sends in batches, sends nothing in a dry run, and checks the overrides before reading.
 */
class ReplayerTest {

    private static final String TOPIC = "sd.requests";
    private static final KafkaSettings SETTINGS = KafkaSettings.fromEnv(Map.of());

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<JobRequest> sent = new ArrayList<>();

    /** Two partitions with five requests each (job ids p0-0 … p1-4), plus one malformed record on partition 1. */
    ReplayerTest() {
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null),
                new PartitionInfo(TOPIC, 1, null, null, null)));
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 5L, p1, 6L));
        consumer.schedulePollTask(() -> {
            List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();
            IntStream.range(0, 5).forEach(i -> log.add(record(0, i, "p0-" + i)));
            IntStream.range(0, 5).forEach(i -> log.add(record(1, i, "p1-" + i)));
            log.add(new ConsumerRecord<>(TOPIC, 1, 5, "bad", "not json".getBytes(StandardCharsets.UTF_8)));
            log.stream().filter(r -> consumer.assignment().contains(new TopicPartition(TOPIC, r.partition())))
                    .forEach(consumer::addRecord);
        });
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset, String jobId) {
        JobRequest r = JobRequest.builder("prompt " + jobId).jobId(jobId).seed(offset).build();
        return new ConsumerRecord<>(TOPIC, partition, offset, jobId, JobCodec.shared().encode(r));
    }

    private Replayer replayer(ReplaySink sink) {
        return new Replayer(SETTINGS, () -> consumer, sink, new JobIdGenerator(), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
    }

    private List<SubmitResult> record(List<JobRequest> requests) {
        List<SubmitResult> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            sent.add(requests.get(i));
            out.add(SubmitResult.sent(i, requests.get(i)));
        }
        return out;
    }

    @Test
    void readsTheRangeOnlyAndReportsTheMalformedRecord() {
        ReplaySpec spec = new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.Offset(1), new RangeBound.Offset(5),
                null, null, false);

        ReplayReport report = replayer(this::record).replay(spec);

        assertEquals(List.of(new PartitionRange(0, 1, 5), new PartitionRange(1, 1, 6)), report.ranges());
        assertEquals(9, report.read());
        assertEquals(8, report.matched());
        assertEquals(List.of("p0-1", "p0-2", "p0-3", "p0-4", "p1-1", "p1-2", "p1-3", "p1-4"),
                sent.stream().map(JobRequest::regenerationOf).sorted().toList());
        assertEquals(1, report.skipped().size());
        assertEquals(5, report.skipped().get(0).offset());
        assertTrue(report.skipped().get(0).reason().startsWith("MALFORMED_JSON"), report.skipped().get(0).reason());
        assertEquals(8, report.sent().size());
        assertTrue(!report.complete());
        Map<String, Long> seedByOriginal = new HashMap<>();
        sent.forEach(r -> seedByOriginal.put(r.regenerationOf(), r.seed()));
        assertEquals(3L, seedByOriginal.get("p1-3"));
    }

    @Test
    void aDryRunSendsNothing() {
        ReplaySpec spec = new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.Offset(0), new RangeBound.Offset(4),
                new ReplayFilter(java.util.Set.of("p1-2"), Map.of()), null, true);

        ReplayReport report = replayer(requests -> {
            throw new AssertionError("a dry run must not send");
        }).replay(spec);

        assertEquals(1, report.jobs().size());
        assertEquals("p1-2", report.jobs().get(0).originalJobId());
        assertEquals(List.of(), report.sent());
        assertTrue(report.complete());
    }

    @Test
    void anUnreachableSinkStopsTheReplay() {
        ReplaySpec spec = new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.PartitionOffsets(Map.of(0, 0L)),
                null, null, null, false);
        KafkaUnavailableException down = new KafkaUnavailableException("down", null);

        ReplayReport report = replayer(requests -> IntStream.range(0, requests.size())
                .mapToObj(i -> SubmitResult.failed(i, requests.get(i), down)).toList()).replay(spec);

        assertEquals("down", report.abortReason());
        assertEquals(5, report.unsent().size());
        assertEquals(List.of(), report.sent());
    }

    @Test
    void anInvalidOverrideFailsBeforeAnythingIsRead() {
        ReplaySpec spec = new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.Offset(0), null, null,
                new ReplayOverrides(null, null, 500, 500, null, null, null), false);
        assertThrows(io.sdfleet.common.InvalidRequestException.class, () -> replayer(this::record).replay(spec));
        assertTrue(sent.isEmpty());
    }

    @Test
    void aListedPartitionTheTopicLacksIsRefused() {
        ReplaySpec spec = new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.PartitionOffsets(Map.of(7, 0L)),
                null, null, null, false);
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class,
                () -> replayer(this::record).replay(spec));
        assertTrue(e.getMessage().contains("no partition [7]"), e.getMessage());
    }
}
