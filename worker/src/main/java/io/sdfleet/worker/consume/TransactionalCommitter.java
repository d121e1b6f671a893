package io.sdfleet.worker.consume;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
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
 * rebalance, timeouts, a failed send): abort, reject the unit (rewind). An abort that fails too closes
 * the producer; the next one's initTransactions aborts the transaction on the broker.
 */
public final class TransactionalCommitter implements CommitCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitter.class);
    static final int MAX_CONSECUTIVE_RECREATIONS = 3;

    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private Producer<byte[], byte[]> producer;
    private int recreations;

    /** @param producerFactory makes a producer with the worker's transactional.id (not yet initialised) */
    public TransactionalCommitter(Supplier<Producer<byte[], byte[]>> producerFactory) {
        this.producerFactory = producerFactory;
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
        Producer<byte[], byte[]> p = producer();
        try {
            p.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : unit.records()) {
                // Send errors are reported by commitTransaction (or flush inside it): handled below.
                p.send(r);
            }
            if (!unit.offsets().isEmpty()) {
                // groupMetadata() does not block, so a pending consumer wakeup (PollWaker) cannot break it.
                p.sendOffsetsToTransaction(unit.offsets(), consumer.groupMetadata());
            }
            p.commitTransaction();
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
            throw new CommitRejectedException("transaction aborted: " + e, e);
        }
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
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
            } catch (KafkaException e) {
                LOG.debug("closing a failed producer", e);
            }
            producer = null;
        }
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
