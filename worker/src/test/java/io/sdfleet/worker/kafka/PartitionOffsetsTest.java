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

    private static OffsetAndMetadata ahead(long base, String relative) {
        return new OffsetAndMetadata(base, DoneAhead.PREFIX + base + ":" + relative);
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedAndReleasesWorkDoneAheadOfItInTheMetadata() {
        for (long o = 10; o < 14; o++) {
            offsets.track(Jobs.P0, o);
        }
        assertTrue(offsets.finish(done(Jobs.P0, 11)));
        assertTrue(offsets.finish(done(Jobs.P0, 12)));
        CommitUnit early = offsets.release();
        assertEquals(Map.of(Jobs.P0, ahead(10, "1-2")), early.offsets(),
                "10 unfinished: the commit stays at 10 and says 11 and 12 are done");
        assertEquals(List.of("job-11", "job-12"), values(early), "their completions go out now");
        assertEquals(Map.of(Jobs.P0, 10L), early.rewindTo());
        offsets.committed(early);
        assertTrue(offsets.release().isEmpty(), "nothing new");

        assertTrue(offsets.finish(done(Jobs.P0, 10)));
        CommitUnit unit = offsets.release();
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(13)), unit.offsets(),
                "next = lowest unfinished (13), nothing ahead of it any more");
        assertEquals(List.of("job-10"), values(unit), "11 and 12 are not written twice");
        offsets.committed(unit);

        assertTrue(offsets.finish(done(Jobs.P0, 13)));
        CommitUnit last = offsets.release();
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(14)), last.offsets(), "last processed + 1");
        assertEquals(Map.of(Jobs.P0, 13L), last.rewindTo());
        assertEquals(0, offsets.awaiting());
    }

    @Test
    void aNewSessionAfterARewindSkipsWhatTheLastCommitFinishedAheadButRedoesWhatWasNotCommitted() {
        for (long o = 10; o < 14; o++) {
            offsets.track(Jobs.P0, o);
        }
        offsets.finish(done(Jobs.P0, 11));
        offsets.committed(offsets.release()); // committed: 10, 11 done ahead
        offsets.finish(done(Jobs.P0, 12));
        CommitUnit rejected = offsets.release(); // its commit fails: 12 was not committed
        assertEquals(Map.of(Jobs.P0, ahead(10, "1-2")), rejected.offsets());
        assertEquals(OptionalLong.of(10), offsets.forget(Jobs.P0), "rewind to the committed offset");

        assertTrue(offsets.track(Jobs.P0, 10), "unfinished: done again");
        assertFalse(offsets.track(Jobs.P0, 11), "committed ahead: skipped");
        assertTrue(offsets.track(Jobs.P0, 12), "its commit failed: done again");
        assertTrue(offsets.track(Jobs.P0, 13));
        assertEquals(3, offsets.awaiting());
        offsets.finish(done(Jobs.P0, 10));
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(12)), offsets.release().offsets(),
                "10 done: the commit passes the skipped 11");
    }

    @Test
    void whatTheBrokerSaysIsDoneIsSkippedAndCarriedInEveryCommitUntilTheOffsetPassesIt() {
        offsets.committedOnBroker(Jobs.P0, ahead(100, "5"));
        assertTrue(offsets.track(Jobs.P0, 100));
        offsets.finish(done(Jobs.P0, 100));
        assertEquals(Map.of(Jobs.P0, ahead(101, "4")), offsets.release().offsets(),
                "105 not seen yet: still listed, relative to the new offset");
        assertTrue(offsets.track(Jobs.P0, 103));
        assertFalse(offsets.track(Jobs.P0, 105), "an earlier owner finished it");
        assertTrue(offsets.track(Jobs.P0, 106));
        offsets.finish(done(Jobs.P0, 103));
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(106)), offsets.release().offsets());
    }

    @Test
    void metadataOfSomethingElseMeansNothingIsDoneAhead() {
        offsets.committedOnBroker(Jobs.P0, new OffsetAndMetadata(100, "written by another tool"));
        assertTrue(offsets.track(Jobs.P0, 100));
        // written for offset 90 (listing 105), but the offset says 100: an operator reset it
        offsets.committedOnBroker(Jobs.P1, new OffsetAndMetadata(100, ahead(90, "15").metadata()));
        assertTrue(offsets.track(Jobs.P1, 105));
        TopicPartition p2 = new TopicPartition("requests", 2);
        offsets.committedOnBroker(p2, null); // nothing committed
        assertTrue(offsets.track(p2, 0));
    }

    @Test
    void workThatWouldOverflowTheMetadataWaitsForTheRecordsBelowIt() {
        offsets.track(Jobs.P0, 0);
        int n = 2000;
        for (long o = 1; o <= n; o++) {
            offsets.track(Jobs.P0, 2 * o); // no two adjacent: each its own entry in the list
            offsets.finish(done(Jobs.P0, 2 * o));
        }
        CommitUnit unit = offsets.release();
        String metadata = unit.offsets().get(Jobs.P0).metadata();
        assertTrue(metadata.length() <= DoneAhead.MAX_METADATA_CHARS, metadata.length() + " chars");
        int released = unit.work().size();
        assertTrue(released > 100 && released < n, released + " of " + n + " released ahead");
        offsets.committed(unit);
        offsets.finish(done(Jobs.P0, 0));
        CommitUnit rest = offsets.release();
        assertEquals(n - released + 1, rest.work().size(), "the rest, once 0 is done");
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(2 * n + 1)), rest.offsets());
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
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(1), Jobs.P1, ahead(0, "1")), offsets.release().offsets());
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
        assertEquals(Map.of(Jobs.P0, ahead(0, "1")), offsets.release().offsets(),
                "offset 0 will be redelivered; 1 is committed as done ahead of it, not past it");
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

    @Test
    void aSessionStartingBelowTheCommittedOffsetIgnoresWhatWasDoneAhead() {
        offsets.committedOnBroker(Jobs.P0, ahead(100, "5"));
        assertTrue(offsets.track(Jobs.P0, 0), "reset to the log's start (truncated): a new log");
        assertTrue(offsets.track(Jobs.P0, 105), "105 listed for the old log: a new record now");
    }

    @Test
    void aPositionThatMovedBackForgetsWhatWasDoneAhead() {
        offsets.committedOnBroker(Jobs.P0, ahead(5, "2"));
        offsets.track(Jobs.P0, 5);
        assertTrue(offsets.movedBack(Jobs.P0, 0));
        offsets.dropDoneAhead(Jobs.P0);
        offsets.forget(Jobs.P0);
        for (long o = 0; o < 10; o++) {
            assertTrue(offsets.track(Jobs.P0, o), "the log was rewritten: offset " + o + " is a new record");
        }
    }
}
