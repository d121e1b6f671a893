package io.sdfleet.producer.replay;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What to replay: the source topic, the range, which requests of it, what to change, and whether to send.
 *
 * <p>The range, per partition: from {@code from} to {@code to}, both ends inclusive for offsets (the
 * first and the last offset replayed) and half-open {@code [from, to)} for times (see {@link RangeBound}).
 * {@code to} null means the end of the partition as it is when the replay starts: records written while
 * the replay runs are never read, so a replay always terminates. A bound that lists partitions restricts
 * the replay to those; when both list partitions, they must list the same ones. Offsets outside the
 * retained log are clamped to it.
 *
 * @param source    the topic read
 * @param from      first record; required (a replay of a whole topic is asked for as {@code --from-offset 0})
 * @param to        last offset (inclusive) or end time (exclusive); null for the end at the start
 * @param filter    which requests of the range
 * @param overrides what to change
 * @param dryRun    report what would be sent, send nothing
 */
public record ReplaySpec(ReplaySource source, RangeBound from, RangeBound to, ReplayFilter filter,
        ReplayOverrides overrides, boolean dryRun) {

    public ReplaySpec {
        Objects.requireNonNull(source, "source");
        if (from == null) {
            throw new InvalidReplaySpecException("a replay needs a start: a time (--from) or offsets (--from-offset)");
        }
        filter = filter == null ? ReplayFilter.ALL : filter;
        overrides = overrides == null ? ReplayOverrides.NONE : overrides;
        checkOrder(from, to);
    }

    /** The partitions the bounds restrict the replay to, or empty for all of the topic's. */
    public Optional<Set<Integer>> partitions() {
        return from.partitions().or(() -> to == null ? Optional.empty() : to.partitions());
    }

    private static void checkOrder(RangeBound from, RangeBound to) {
        if (to == null) {
            return;
        }
        if (from.partitions().isPresent() && to.partitions().isPresent()
                && !from.partitions().get().equals(to.partitions().get())) {
            throw new InvalidReplaySpecException("the start lists partitions " + from.partitions().get()
                    + " but the end lists " + to.partitions().get() + "; list the same partitions in both");
        }
        if (from instanceof RangeBound.Offset f && to instanceof RangeBound.Offset t && f.offset() > t.offset()) {
            throw new InvalidReplaySpecException("start offset " + f.offset() + " is after end offset " + t.offset());
        }
        if (from instanceof RangeBound.PartitionOffsets f && to instanceof RangeBound.PartitionOffsets t) {
            f.offsets().forEach((p, o) -> {
                if (o > t.offsets().get(p)) {
                    throw new InvalidReplaySpecException("partition " + p + ": start offset " + o
                            + " is after end offset " + t.offsets().get(p));
                }
            });
        }
        if (from instanceof RangeBound.AtTime f && to instanceof RangeBound.AtTime t
                && !f.instant().isBefore(t.instant())) {
            throw new InvalidReplaySpecException("start time " + f.instant() + " is not before end time " + t.instant());
        }
    }
}
