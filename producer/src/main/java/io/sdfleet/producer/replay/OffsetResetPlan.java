package io.sdfleet.producer.replay;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a worker-group offset reset changes (or, in a dry run, would change).
 *
 * @param group      the consumer group
 * @param topic      the requests topic
 * @param time       the time reset to
 * @param partitions one entry per partition of the topic, in partition order
 * @param activeMembers members the group had when the plan was made (a real reset needs 0)
 * @param applied    whether the new offsets were committed (false in a dry run)
 */
public record OffsetResetPlan(String group, String topic, Instant time, List<PartitionReset> partitions,
        int activeMembers, boolean applied) {

    public OffsetResetPlan {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(time, "time");
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition's move.
     *
     * @param partition the partition
     * @param oldOffset the group's committed offset before, or null when it had none
     * @param newOffset the first offset whose record is stamped at or after the time (the end of the
     *                  partition when no record is that late): the next record the workers read
     */
    public record PartitionReset(int partition, Long oldOffset, long newOffset) {
    }
}
