package io.sdfleet.producer.replay;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pure range arithmetic: inclusive offsets, half-open times, clamping to the retained log. */
class RangeResolverTest {

    private static final Set<Integer> P012 = Set.of(0, 1, 2);
    /** Partition 0 holds 0..9, partition 1 retains 5..19, partition 2 is empty. */
    private static final Map<Integer, Long> BEGIN = Map.of(0, 0L, 1, 5L, 2, 0L);
    private static final Map<Integer, Long> END = Map.of(0, 10L, 1, 20L, 2, 0L);
    private static final RangeBound TIME = new RangeBound.AtTime(Instant.EPOCH);

    @Test
    void offsetsAreInclusiveAtBothEndsAndClampedToTheLog() {
        List<PartitionRange> ranges = RangeResolver.ranges(P012, BEGIN, END, new RangeBound.Offset(3),
                new RangeBound.Offset(12), Map.of(), Map.of());
        assertEquals(List.of(new PartitionRange(0, 3, 10), new PartitionRange(1, 5, 13), new PartitionRange(2, 0, 0)),
                ranges);
    }

    @Test
    void noEndMeansTheEndSnapshot() {
        assertEquals(List.of(new PartitionRange(0, 0, 10), new PartitionRange(1, 5, 20), new PartitionRange(2, 0, 0)),
                RangeResolver.ranges(P012, BEGIN, END, new RangeBound.Offset(0), null, Map.of(), Map.of()));
    }

    @Test
    void timesUseTheLookedUpOffsetsAndTheEndWhereNoRecordIsThatLate() {
        // Start: partition 0 from 4, partition 1 has nothing that late. End: partition 0 at 7 (exclusive).
        List<PartitionRange> ranges = RangeResolver.ranges(P012, BEGIN, END, TIME, TIME,
                Map.of(0, 4L), Map.of(0, 7L));
        assertEquals(List.of(new PartitionRange(0, 4, 7), new PartitionRange(1, 20, 20), new PartitionRange(2, 0, 0)),
                ranges);
        assertEquals(3, ranges.get(0).span());
        assertEquals(true, ranges.get(1).isEmpty());
    }

    @Test
    void partitionOffsetsApplyToTheirPartitionOnly() {
        List<PartitionRange> ranges = RangeResolver.ranges(Set.of(1), BEGIN, END,
                new RangeBound.PartitionOffsets(Map.of(1, 8L)), new RangeBound.PartitionOffsets(Map.of(1, 8L)),
                Map.of(), Map.of());
        assertEquals(List.of(new PartitionRange(1, 8, 9)), ranges);
        assertEquals(true, ranges.get(0).contains(8));
        assertEquals(false, ranges.get(0).contains(9));
    }

    @Test
    void anEndBeforeTheStartGivesAnEmptyRange() {
        List<PartitionRange> ranges = RangeResolver.ranges(Set.of(0), BEGIN, END, new RangeBound.Offset(6), TIME,
                Map.of(), Map.of(0, 2L));
        assertEquals(List.of(new PartitionRange(0, 6, 6)), ranges);
    }
}
