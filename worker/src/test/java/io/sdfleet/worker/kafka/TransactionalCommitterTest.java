package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Timeouts of commitTransaction: retried, then resolved from the broker; never an escaping abort failure. */
class TransactionalCommitterTest {

    /** commitTransaction times out the first {@code timeouts} calls; abort then fails as kafka-clients 4.3 does. */
    private static final class TimingOutProducer extends MockProducer<byte[], byte[]> {
        private int timeouts;
        private boolean timedOut;

        TimingOutProducer(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeouts = timeouts;
        }

        @Override
        public void commitTransaction() {
            if (timeouts > 0) {
                timeouts--;
                timedOut = true;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(COMMIT)");
            }
            timedOut = false;
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            if (timedOut) {
                throw new IllegalStateException("Cannot attempt operation `abortTransaction` because the previous"
                        + " call to `commitTransaction` timed out and must be retried");
            }
            super.abortTransaction();
        }
    }

    private static final DeadLetterRecords DLQ = new DeadLetterRecords("dlq", "w1");

    private final CommitUnit unit = Jobs.commitUnit(
            List.of(new ProducerRecord<>("completions", "job-a".getBytes(StandardCharsets.UTF_8), new byte[0])),
            Map.of(Jobs.P0, new OffsetAndMetadata(8)), Map.of(Jobs.P0, 3L));

    private static WakeableMockConsumer consumer() {
        WakeableMockConsumer consumer = new WakeableMockConsumer();
        consumer.assign(List.of(Jobs.P0));
        return consumer;
    }

    @Test
    void aCommitThatTimesOutOnceIsCalledAgainAndSucceeds() {
        TimingOutProducer producer = new TimingOutProducer(1);
        TransactionalCommitter committer = new TransactionalCommitter(() -> producer, DLQ);
        committer.commit(unit, consumer());
        assertTrue(producer.transactionCommitted());
        assertEquals(1, producer.history().size());
    }

    @Test
    void aCommitThatKeepsTimingOutResumesFromTheBrokersCommittedOffsetsWithANewProducer() {
        List<TimingOutProducer> made = new ArrayList<>();
        TransactionalCommitter committer = new TransactionalCommitter(() -> {
            TimingOutProducer p = new TimingOutProducer(made.isEmpty() ? TransactionalCommitter.COMMIT_ATTEMPTS : 0);
            made.add(p);
            return p;
        }, DLQ);
        WakeableMockConsumer consumer = consumer();
        // The broker applied the commit although the client timed out: its offset is 8, not the local 3.
        consumer.commitSync(Map.of(Jobs.P0, new OffsetAndMetadata(8)));
        CommitRejectedException rejected = assertThrows(CommitRejectedException.class,
                () -> committer.commit(unit, consumer));
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(8)), rejected.resumeAt().orElseThrow());
        assertEquals(2, made.size(), "a new producer resolved the outcome (initTransactions)");
        assertTrue(made.get(0).closed());
        committer.commit(unit, consumer); // the next unit goes through the new producer
        assertTrue(made.get(1).transactionCommitted());
    }

    @Test
    void anAbortRefusedByTheClientClosesTheProducerInsteadOfEscaping() {
        List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
        TransactionalCommitter committer = new TransactionalCommitter(() -> {
            MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            if (made.isEmpty()) {
                p.sendOffsetsToTransactionException = new TimeoutException("sendOffsetsToTransaction timed out");
                p.abortTransactionException = new IllegalStateException("previous call timed out and must be retried");
            }
            made.add(p);
            return p;
        }, DLQ);
        CommitRejectedException rejected = assertThrows(CommitRejectedException.class,
                () -> committer.commit(unit, consumer()));
        assertTrue(rejected.resumeAt().isEmpty(), "never committed: the local rewind positions hold");
        assertTrue(made.get(0).closed());
        committer.commit(unit, consumer());
        assertEquals(2, made.size());
        assertTrue(made.get(1).transactionCommitted());
    }

    @Test
    void aRecordTheProducerCannotSendIsReplacedByAMinimalDeadLetterAndTheUnitCommits() {
        List<RefusingProducer> made = new ArrayList<>();
        TransactionalCommitter committer = new TransactionalCommitter(() -> {
            RefusingProducer p = new RefusingProducer(true);
            made.add(p);
            return p;
        }, DLQ);
        CommitUnit withHuge = Jobs.commitUnit(List.of(unit.records().get(0),
                new ProducerRecord<>("dlq", "job-b".getBytes(StandardCharsets.UTF_8), new byte[2_000_000])),
                unit.offsets(), unit.rewindTo());

        committer.commit(withHuge, consumer());

        RefusingProducer p = made.get(made.size() - 1);
        assertTrue(p.transactionCommitted());
        List<ProducerRecord<byte[], byte[]>> sent = p.history();
        assertEquals(2, sent.size(), "the completion and the minimal DLQ record: " + sent);
        assertEquals("completions", sent.get(0).topic());
        assertEquals("dlq", sent.get(1).topic());
        assertEquals(0, sent.get(1).value().length);
        assertEquals("2000000", new String(sent.get(1).headers().lastHeader(
                io.sdfleet.common.SdfleetHeaders.DLQ_ORIGINAL_SIZE).value(), StandardCharsets.UTF_8));
        var offsetsCommitted = p.consumerGroupOffsetsHistory();
        assertEquals(Map.of(Jobs.P0, new OffsetAndMetadata(8)),
                offsetsCommitted.get(offsetsCommitted.size() - 1).values().iterator().next(), "offsets in the same tx");
    }

    /**
     * Refuses records over 1 MiB the way KafkaProducer does in a transaction: the send's future fails with
     * RecordTooLargeException, the transaction turns abortable, and commitTransaction reports it.
     */
    static final class RefusingProducer extends MockProducer<byte[], byte[]> {
        private RuntimeException txnError;

        RefusingProducer(boolean autoComplete) {
            super(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
            if (record.value() != null && record.value().length > 1024 * 1024) {
                RuntimeException e = new org.apache.kafka.common.errors.RecordTooLargeException(
                        "The message is " + record.value().length + " bytes when serialized");
                txnError = e;
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }

        @Override
        public void commitTransaction() {
            if (txnError != null) {
                throw new org.apache.kafka.common.KafkaException(
                        "Cannot execute transactional method because we are in an error state", txnError);
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            txnError = null;
            super.abortTransaction();
        }
    }
}
