package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** commitSync broken by a pending wakeup is made again; records are never sent twice. */
class AtLeastOnceCommitterTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AtLeastOnceCommitter committer = new AtLeastOnceCommitter(producer, Duration.ofSeconds(5),
            new DeadLetterRecords("dlq", "w1"));
    private final CommitUnit unit = Jobs.commitUnit(
            List.of(new ProducerRecord<>("completions", "job-a".getBytes(StandardCharsets.UTF_8), new byte[0])),
            Map.of(Jobs.P0, new OffsetAndMetadata(8)), Map.of(Jobs.P0, 7L));

    @Test
    void aPendingWakeupDoesNotRejectTheCommit() {
        WakeableMockConsumer consumer = new WakeableMockConsumer();
        consumer.wakeup(); // sent while the poll thread was not in poll: breaks the next blocking call
        committer.commit(unit, consumer);
        assertEquals(List.of(Map.of(Jobs.P0, new OffsetAndMetadata(8))), consumer.commits());
        assertEquals(1, producer.history().size());
    }

    @Test
    void aWakeupAfterTheCommitTookEffectCommitsTheSameOffsetsAgain() {
        WakeableMockConsumer consumer = new WakeableMockConsumer();
        consumer.duringNextCommit(consumer::wakeup);
        committer.commit(unit, consumer);
        assertEquals(List.of(Map.of(Jobs.P0, new OffsetAndMetadata(8)), Map.of(Jobs.P0, new OffsetAndMetadata(8))),
                consumer.commits());
        assertEquals(1, producer.history().size());
    }

    @Test
    void wakeupsThatKeepComingRejectTheUnit() {
        WakeableMockConsumer consumer = new WakeableMockConsumer() {
            @Override
            public void commitSync(Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets,
                    Duration timeout) {
                wakeup();
                super.commitSync(offsets, timeout);
            }
        };
        assertThrows(CommitRejectedException.class, () -> committer.commit(unit, consumer));
        assertEquals(0, consumer.commits().size());
    }

    @Test
    void aRecordTheProducerCannotSendIsReplacedByAMinimalDeadLetterAndTheOffsetsCommit() {
        TransactionalCommitterTest.RefusingProducer refusing = new TransactionalCommitterTest.RefusingProducer(true);
        AtLeastOnceCommitter c = new AtLeastOnceCommitter(refusing, Duration.ofSeconds(5),
                new DeadLetterRecords("dlq", "w1"));
        CommitUnit withHuge = Jobs.commitUnit(List.of(unit.records().get(0),
                new ProducerRecord<>("dlq", "job-b".getBytes(StandardCharsets.UTF_8), new byte[2_000_000])),
                unit.offsets(), unit.rewindTo());
        WakeableMockConsumer consumer = new WakeableMockConsumer();

        c.commit(withHuge, consumer);

        assertEquals(List.of(Map.of(Jobs.P0, new OffsetAndMetadata(8))), consumer.commits());
        assertEquals(2, refusing.history().size());
        assertEquals("dlq", refusing.history().get(1).topic());
        assertEquals(0, refusing.history().get(1).value().length);
    }
}
