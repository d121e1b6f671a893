package io.sdfleet.worker.kafka;

import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * At-least-once commits (SDFLEET_TRANSACTIONS=false): send the unit's records, wait until every one is
 * acknowledged (acks=all, idempotent producer), then {@code commitSync} the offsets. A crash or a failed
 * offset commit after the sends means the jobs run again and their completions are written again, to the
 * same object keys (a redelivery overwrites, it never adds objects).
 *
 * <p>Failures: a send that fails after the producer's own retries (delivery.timeout.ms), or a failed
 * commitSync (rebalance, timeout, CommitFailedException): the unit is rejected (rewind and redo). A send
 * that failed for the record itself ({@link UnsendableRecords}: too large, invalid) is replaced by a
 * minimal DLQ record, sent once; only if that fails too is the unit rejected.
 * Authorization and version errors: fatal. The producer is made on first use and kept.
 */
public final class AtLeastOnceCommitter implements CommitCoordinator {

    /** commitSync attempts when wakeups break it ({@link #commitOffsets}). */
    static final int MAX_WAKEUP_ATTEMPTS = 3;

    private final Producer<byte[], byte[]> producer;
    private final Duration commitTimeout;
    private final DeadLetterRecords deadLetters;

    /** @param deadLetters makes the minimal DLQ record replacing a record that cannot be sent */
    public AtLeastOnceCommitter(Producer<byte[], byte[]> producer, Duration commitTimeout,
            DeadLetterRecords deadLetters) {
        this.producer = producer;
        this.commitTimeout = commitTimeout;
        this.deadLetters = deadLetters;
    }

    @Override
    public void commit(CommitUnit unit, Consumer<byte[], byte[]> consumer) {
        if (unit.isEmpty()) {
            return;
        }
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(unit.records().size());
            for (ProducerRecord<byte[], byte[]> r : unit.records()) {
                acks.add(producer.send(r));
            }
            producer.flush();
            Map<Integer, Throwable> unsendable = UnsendableRecords.find(acks);
            if (!unsendable.isEmpty()) {
                // The others are sent (or fail below); only the replacements go out, once.
                CommitUnit replaced = UnsendableRecords.replace(unit, unsendable, deadLetters);
                for (int i : unsendable.keySet()) {
                    acks.set(i, producer.send(replaced.records().get(i)));
                }
                producer.flush();
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            if (!unit.offsets().isEmpty()) {
                commitOffsets(unit, consumer);
            }
        } catch (ExecutionException e) {
            throw classify("a completion or DLQ send failed", e.getCause());
        } catch (KafkaException e) {
            throw classify("the offset commit failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitRejectedException("interrupted while waiting for acks", e);
        }
    }

    /**
     * commitSync, made again when a wakeup meant for poll ({@link PollWaker}) was still pending and broke it:
     * whether or not that attempt reached the coordinator, committing the same offsets again is idempotent,
     * and the records are not sent again. The waker sends at most one wakeup per poll, so a second one in a
     * row means someone else wakes this consumer: then the unit is rejected as for any failed commit.
     */
    private void commitOffsets(CommitUnit unit, Consumer<byte[], byte[]> consumer) {
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(unit.offsets(), commitTimeout);
                return;
            } catch (WakeupException e) {
                if (attempt >= MAX_WAKEUP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static RuntimeException classify(String what, Throwable cause) {
        if (KafkaFailures.isFatal(cause)) {
            return new WorkerFatalException(what + ": " + cause, cause);
        }
        return new CommitRejectedException(what + ": " + cause, cause);
    }

    @Override
    public void requireTopics(java.util.Collection<String> topics) {
        TopicCheck.requireTopics(producer, topics);
    }

    @Override
    public boolean transactional() {
        return false;
    }

    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
