package io.sdfleet.worker.kafka;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's rebalance listener (cooperative-sticky: only the partitions that move are revoked).
 * Runs on the poll thread, inside {@code poll()} or {@code close()}.
 *
 * <ul>
 *   <li>Revoked: the partitions' jobs still in the pending set are dropped; the ones on the device or in
 *       the store pool are waited for (bounded by the revoke timeout); what is done is committed; the
 *       rest is forgotten and redelivered to the new owner.</li>
 *   <li>Lost (the member was thrown out; another owner may already have them): forgotten without a
 *       commit, which would fail anyway.</li>
 *   <li>Assigned: their committed offsets are read, with the records an earlier owner finished ahead of
 *       them ({@link DoneAhead}), which are then skipped.</li>
 * </ul>
 * Counts revocations and losses, so tests and operators can tell a rebalance happened.
 */
public final class RebalanceHandler implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(RebalanceHandler.class);

    /** What the poll loop does for a partition that leaves this worker. */
    public interface PartitionHandover {
        /** Waits (bounded) for the partitions' in-flight jobs, commits what is done, forgets the rest. */
        void handOver(Collection<TopicPartition> partitions);

        /** Forgets the partitions without committing. */
        void forget(Collection<TopicPartition> partitions);

        /** Learns what is committed for newly assigned partitions (what is done ahead of their offsets). */
        void assigned(Collection<TopicPartition> partitions);
    }

    private final PartitionHandover handover;
    private final AtomicInteger revocations = new AtomicInteger();
    private final AtomicInteger losses = new AtomicInteger();
    private volatile boolean closing;

    public RebalanceHandler(PartitionHandover handover) {
        this.handover = handover;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        if (closing) {
            // consumer.close(): the final commit was already made by the poll loop.
            handover.forget(partitions);
            return;
        }
        revocations.incrementAndGet();
        LOG.info("partitions revoked: {}", partitions);
        handover.handOver(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            LOG.info("partitions assigned: {}", partitions);
            handover.assigned(partitions);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        losses.incrementAndGet();
        LOG.warn("partitions lost (this member was out of the group): {}", partitions);
        handover.forget(partitions);
    }

    /** The poll loop is closing the consumer: revocations from now on are part of leaving the group. */
    public void closing() {
        closing = true;
    }

    /** Revocations outside of closing (a rebalance took partitions away). */
    public int revocations() {
        return revocations.get();
    }

    /** Times partitions were lost. */
    public int losses() {
        return losses.get();
    }
}
