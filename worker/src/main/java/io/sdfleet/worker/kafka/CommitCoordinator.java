package io.sdfleet.worker.kafka;

import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Writes a {@link CommitUnit}: its completion and DLQ records, then its offsets. Two ways:
 * {@link TransactionalCommitter} (records and offsets in one Kafka transaction: exactly-once for
 * read_committed readers) and {@link AtLeastOnceCommitter} (acked sends, then commitSync: a crash between
 * the two writes a completion again, to the same object keys).
 *
 * <p>Called on the poll thread only (it owns the producer too). Failures: {@link CommitRejectedException}
 * (rewind and redo) or {@link WorkerFatalException} (stop).
 */
public interface CommitCoordinator extends AutoCloseable {

    /**
     * Writes the unit; returns when it is durable.
     *
     * @param consumer the poll loop's consumer (its group metadata fences a member that was thrown out)
     */
    void commit(CommitUnit unit, Consumer<byte[], byte[]> consumer);

    /**
     * Fails at start-up when a topic this committer writes to does not exist (bounded by the producer's
     * max.block.ms).
     *
     * @throws WorkerFatalException naming the missing topic
     */
    void requireTopics(java.util.Collection<String> topics);

    /** Whether commits are transactional (for logs and the consumer's isolation level). */
    boolean transactional();

    /** Closes the producer, waiting at most {@code timeout} for what it still sends. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }
}
