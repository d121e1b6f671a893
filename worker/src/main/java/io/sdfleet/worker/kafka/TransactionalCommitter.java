package io.sdfleet.worker.kafka;

import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once commits: one transaction per unit holding its completion and DLQ records and
 * {@code sendOffsetsToTransaction(offsets, consumer.groupMetadata())}.
 *
 * <p>The producer's {@code transactional.id} is stable per worker instance ("sdfleet-worker-" + worker id),
 * so a restarted worker's {@code initTransactions()} aborts what its dead predecessor left open at once,
 * and the transaction is opened only here, after the images are stored, so it stays short (its timeout
 * is {@code SDFLEET_TRANSACTION_TIMEOUT}).
 *
 * <p>Failures: a fenced producer or a bumped epoch ({@link ApplicationRecoverableException}): this
 * producer is closed and a new one made for the next unit, the unit is rejected (rewind); more than
 * {@value #MAX_CONSECUTIVE_RECREATIONS} in a row means another live process uses this worker id: fatal.
 * Authorization, unsupported version and the like: fatal. Anything else (CommitFailedException after a
 * rebalance, timeouts, a failed send): abort, reject the unit (rewind); except when sends failed for the
 * record itself ({@link UnsendableRecords}: too large, invalid): those records are replaced by minimal DLQ
 * records and the unit is committed once more in a new transaction. An abort that fails too (a
 * KafkaException, or the IllegalStateException the client throws when a timed-out call must be retried
 * first) closes the producer; the next one's initTransactions aborts the transaction on the broker.
 *
 * <p>A {@code commitTransaction()} that times out ({@link TimeoutException} after max.block.ms) is called
 * again, as the Kafka client documents, up to {@value #COMMIT_ATTEMPTS} attempts in all: the client refuses
 * an abort at that point. When it still fails, whether the transaction committed is unknown (the broker may
 * have applied EndTxn): the producer is closed, a new one is made at once (its initTransactions completes
 * or aborts the old transaction on the broker), and the unit is rejected with the broker's committed
 * offsets of its partitions ({@link CommitRejectedException#resumeAt()}), read only after that, so the poll
 * loop neither re-runs a unit that did commit nor skips one that did not. If that cannot be resolved either
 * (the broker stays unreachable) the worker stops: a restart reads the committed offsets afresh, while a
 * guess would lose or duplicate completions.
 */
public final class TransactionalCommitter implements CommitCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitter.class);
    static final int MAX_CONSECUTIVE_RECREATIONS = 3;
    /**
     * commitTransaction() calls per unit when it times out (the first one included). Kept at two: each call
     * may block for max.block.ms, and a commit inside the revoke callback must stay well within
     * max.poll.interval.ms (worst case here: two calls, initTransactions and the offset lookup).
     */
    static final int COMMIT_ATTEMPTS = 2;
    /** Bound on reading the committed offsets after an unknown commit outcome. */
    static final Duration COMMITTED_LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final DeadLetterRecords deadLetters;
    private Producer<byte[], byte[]> producer;
    private int recreations;

    /**
     * @param producerFactory makes a producer with the worker's transactional.id (not yet initialised)
     * @param deadLetters     makes the minimal DLQ record replacing a record that cannot be sent
     *                        ({@link UnsendableRecords})
     */
    public TransactionalCommitter(Supplier<Producer<byte[], byte[]>> producerFactory, DeadLetterRecords deadLetters) {
        this.producerFactory = producerFactory;
        this.deadLetters = deadLetters;
    }

    /**
     * Creates the producer and runs {@code initTransactions()} now, so that a start-up problem (no broker,
     * no ACL) shows before the first job, and a predecessor's open transaction is aborted right away.
     */
    public void start() {
        producer();
    }

    @Override
    public void commit(CommitUnit unit, Consumer<byte[], byte[]> consumer) {
        if (unit.isEmpty()) {
            return;
        }
        commit(unit, consumer, true);
    }

    /** @param mayIsolate whether records that cannot be sent may be replaced and the unit tried once more */
    private void commit(CommitUnit unit, Consumer<byte[], byte[]> consumer, boolean mayIsolate) {
        Producer<byte[], byte[]> p = producer();
        List<Future<RecordMetadata>> sends = new ArrayList<>(unit.records().size());
        try {
            p.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : unit.records()) {
                // Send errors are reported by commitTransaction (or flush inside it): handled below.
                sends.add(p.send(r));
            }
            if (!unit.offsets().isEmpty()) {
                // groupMetadata() does not block, so a pending consumer wakeup (PollWaker) cannot break it.
                p.sendOffsetsToTransaction(unit.offsets(), consumer.groupMetadata());
            }
            commitRetryingTimeouts(p, unit, consumer);
            recreations = 0;
        } catch (ApplicationRecoverableException e) {
            closeQuietly();
            if (++recreations > MAX_CONSECUTIVE_RECREATIONS) {
                throw new WorkerFatalException("the transactional producer was fenced " + recreations
                        + " times in a row: another live process uses this worker id (SDFLEET_WORKER_ID must be"
                        + " unique per worker)", e);
            }
            throw new CommitRejectedException("producer fenced (" + e.getClass().getSimpleName()
                    + "); a new producer is made for the next commit", e);
        } catch (KafkaException e) {
            if (KafkaFailures.isFatal(e)) {
                closeQuietly();
                throw new WorkerFatalException("cannot commit to Kafka: " + e, e);
            }
            abort();
            Map<Integer, Throwable> unsendable = mayIsolate ? UnsendableRecords.find(sends) : Map.of();
            if (!unsendable.isEmpty()) {
                LOG.warn("{} record(s) of the unit cannot be sent ({}); replacing them with minimal DLQ records and"
                        + " committing once more", unsendable.size(), unsendable.values().iterator().next().toString());
                commit(UnsendableRecords.replace(unit, unsendable, deadLetters), consumer, false);
                return;
            }
            throw new CommitRejectedException("transaction aborted: " + e, e);
        }
    }

    /**
     * commitTransaction, called again after a TimeoutException (the only call the client allows then).
     *
     * @throws CommitRejectedException with the broker's committed offsets when the outcome stays unknown
     */
    private void commitRetryingTimeouts(Producer<byte[], byte[]> p, CommitUnit unit,
            Consumer<byte[], byte[]> consumer) {
        for (int attempt = 1; ; attempt++) {
            try {
                p.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt >= COMMIT_ATTEMPTS) {
                    throw outcomeUnknown(unit, consumer, e);
                }
                LOG.warn("commitTransaction timed out (attempt {} of {}); calling it again", attempt,
                        COMMIT_ATTEMPTS);
            }
        }
    }

    private CommitRejectedException outcomeUnknown(CommitUnit unit, Consumer<byte[], byte[]> consumer,
            TimeoutException cause) {
        closeQuietly();
        Map<TopicPartition, OffsetAndMetadata> resumeAt = new LinkedHashMap<>();
        try {
            producer(); // initTransactions: the old transaction is completed or aborted on the broker first
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(unit.rewindTo().keySet(), COMMITTED_LOOKUP_TIMEOUT);
            } catch (WakeupException e) {
                // A wakeup meant for poll (PollWaker, at most one per poll) broke the lookup: once more.
                committed = consumer.committed(unit.rewindTo().keySet(), COMMITTED_LOOKUP_TIMEOUT);
            }
            for (Map.Entry<TopicPartition, Long> local : unit.rewindTo().entrySet()) {
                OffsetAndMetadata c = committed.get(local.getKey());
                // Nothing committed on the broker: the unit's offsets were not either; the local position holds,
                // with nothing done ahead of it (that would be in committed metadata).
                resumeAt.put(local.getKey(), c == null ? new OffsetAndMetadata(local.getValue()) : c);
            }
        } catch (KafkaException | CommitRejectedException e) {
            closeQuietly();
            WorkerFatalException fatal = new WorkerFatalException("commitTransaction timed out " + COMMIT_ATTEMPTS
                    + " times and its outcome cannot be resolved (" + e + "); stopping so that a restart reads"
                    + " the committed offsets", cause);
            fatal.addSuppressed(e);
            throw fatal;
        }
        LOG.warn("commitTransaction timed out {} times; outcome resolved by a new producer, resuming {} from the"
                + " broker's committed offsets {}", COMMIT_ATTEMPTS, resumeAt.keySet(), resumeAt);
        return new CommitRejectedException("commit outcome unknown after " + COMMIT_ATTEMPTS
                + " timeouts; resuming from the broker's committed offsets", cause, resumeAt);
    }

    private void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("abort failed ({}); closing the producer, the next one aborts the transaction", e.toString());
            closeQuietly();
        }
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Producer<byte[], byte[]> p = producerFactory.get();
            try {
                // Aborts any transaction a previous process with this transactional.id left open.
                p.initTransactions();
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                if (KafkaFailures.isFatal(e)) {
                    throw new WorkerFatalException("cannot start the transactional producer: " + e, e);
                }
                throw new CommitRejectedException("initTransactions failed: " + e, e);
            }
            producer = p;
        }
        return producer;
    }

    private void closeQuietly() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("closing a failed producer", e);
            }
            producer = null;
        }
    }

    @Override
    public void requireTopics(java.util.Collection<String> topics) {
        TopicCheck.requireTopics(producer(), topics);
    }

    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public void close(Duration timeout) {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }
}
