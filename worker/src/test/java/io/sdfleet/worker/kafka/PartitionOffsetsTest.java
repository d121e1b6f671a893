package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

    private final PartitionOffsets offsets = new PartitionOffsets();

    private FinishedWork done(TopicPartition p, long offset) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("completions", ("job-" + offset).getBytes());
        return new FinishedWork(p, offset, offsets.session(p), List.of(r), "job-" + offset,
                io.sdfleet.common.CompletionStatus.SUCCEEDED, null);
    }

    private static List<String> values(CommitUnit unit) {
        return unit.records().stream().map(r -> new String(r.value())).toList();
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinished() {
        for (long o = 10; o < 14; o++) {
            offsets.track(Jobs.P0, o);
        }
        assertTrue(offsets.finish(done(Jobs.P0, 11)));
        assertTrue(offsets.finish(done(Jobs.P0, 12)));
        assertTrue(offsets.release().isEmpty(), "10 unfinished: nothing to commit");

        assertTrue(offsets.finish(done(Jobs.P0, 10)));
        CommitUnit unit = offsets.release();
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(13)), unit.offsets(), "next = lowest unfinished (13)");
        assertEquals(List.of("job-10", "job-11", "job-12"), values(unit), "records in offset order");
        assertEquals(Map.of(Jobs.P0, 10L), unit.rewindTo());
        offsets.committed(unit);

        assertTrue(offsets.finish(done(Jobs.P0, 13)));
        CommitUnit last = offsets.release();
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(14)), last.offsets(), "last processed + 1");
        assertEquals(Map.of(Jobs.P0, 13L), last.rewindTo());
        assertEquals(0, offsets.awaiting());
    }

    @Test
    void gapsInOffsetsDoNotBlock() {
        offsets.track(Jobs.P0, 3);
        offsets.track(Jobs.P0, 7); // 4..6 were transaction markers
        offsets.finish(done(Jobs.P0, 3));
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(7)), offsets.release().offsets());
    }

    @Test
    void partitionsAreIndependent() {
        offsets.track(Jobs.P0, 0);
        offsets.track(Jobs.P1, 0);
        offsets.track(Jobs.P1, 1);
        offsets.finish(done(Jobs.P1, 1));
        offsets.finish(done(Jobs.P0, 0));
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(1)), offsets.release().offsets());
        assertEquals(1, offsets.awaiting(List.of(Jobs.P1)));
        assertEquals(0, offsets.awaiting(List.of(Jobs.P0)));
    }

    @Test
    void abandonedRecordsBlockTheCommitButAreNotAwaited() {
        offsets.track(Jobs.P0, 0);
        offsets.track(Jobs.P0, 1);
        offsets.abandon(Jobs.P0, 0);
        offsets.finish(done(Jobs.P0, 1));
        assertEquals(0, offsets.awaiting());
        assertTrue(offsets.release().isEmpty(), "offset 0 will be redelivered; 1 must not be committed before it");
    }

    @Test
    void staleWorkFromAnOlderSessionIsRefused() {
        offsets.track(Jobs.P0, 5);
        FinishedWork old = done(Jobs.P0, 5);
        assertEquals(OptionalLong.of(5), offsets.forget(Jobs.P0));
        offsets.track(Jobs.P0, 5); // redelivered after the rewind
        assertFalse(offsets.finish(old), "result of the old session");
        assertTrue(offsets.finish(done(Jobs.P0, 5)));
        assertFalse(offsets.finish(done(Jobs.P0, 5)), "finished twice");
        assertFalse(offsets.finish(done(Jobs.P0, 6)), "never tracked");
    }

    @Test
    void forgetReturnsTheLastCommittedPosition() {
        offsets.track(Jobs.P0, 20);
        offsets.track(Jobs.P0, 21);
        offsets.finish(done(Jobs.P0, 20));
        offsets.committed(offsets.release());
        assertEquals(OptionalLong.of(21), offsets.forget(Jobs.P0));
        assertEquals(OptionalLong.empty(), offsets.forget(Jobs.P0));
        assertEquals(-1, offsets.currentSession(Jobs.P0));
    }

    @Test
    void aPositionThatMovedBackIsSeenAlsoAfterTheTrackedRecordsWereReleased() {
        offsets.track(Jobs.P0, 5);
        assertTrue(offsets.finish(done(Jobs.P0, 5)));
        CommitUnit unit = offsets.release();
        offsets.committed(unit);
        long before = offsets.session(Jobs.P0);

        assertTrue(offsets.movedBack(Jobs.P0, 0), "offset reset to the start of the log");
        assertFalse(offsets.movedBack(Jobs.P0, 6));
        offsets.forget(Jobs.P0);
        offsets.track(Jobs.P0, 0); // a new session takes it from there
        assertTrue(offsets.session(Jobs.P0) != before);
    }
}
