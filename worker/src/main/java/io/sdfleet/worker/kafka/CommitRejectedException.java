package io.sdfleet.worker.kafka;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A commit did not happen (the transaction was aborted, the group rebalanced under it, a send or the
 * offset commit failed or timed out). What to do: seek the unit's partitions back to their last committed
 * offsets and process those records again; nothing of the unit is visible to read_committed readers
 * (with transactions) or it may be written again (without: at-least-once).
 *
 * <p>When the committer had to find out from the broker where the unit's partitions stand (a commit whose
 * outcome was unknown), {@link #resumeAt()} holds those positions, with their metadata (what is done ahead of
 * them, {@link DoneAhead}): seek there instead of the unit's local rewind positions.
 */
public class CommitRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Map<TopicPartition, OffsetAndMetadata> resumeAt;

    public CommitRejectedException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** @param resumeAt the broker's committed positions of the unit's partitions (null: use the local ones) */
    public CommitRejectedException(String message, Throwable cause, Map<TopicPartition, OffsetAndMetadata> resumeAt) {
        super(message, cause);
        this.resumeAt = resumeAt == null ? null : Map.copyOf(resumeAt);
    }

    /** Where to seek the unit's partitions, when read from the broker; empty: the unit's rewind positions. */
    public Optional<Map<TopicPartition, OffsetAndMetadata>> resumeAt() {
        return Optional.ofNullable(resumeAt);
    }
}
