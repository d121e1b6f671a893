package io.sdfleet.producer.replay;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplaySpecTest {

    private static ReplaySpec spec(RangeBound from, RangeBound to) {
        return new ReplaySpec(ReplaySource.REQUESTS, from, to, null, null, false);
    }

    @Test
    void aStartIsRequired() {
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class, () -> spec(null, null));
        assertTrue(e.getMessage().contains("--from"), e.getMessage());
    }

    @Test
    void defaultsAreNoFilterAndNoOverrides() {
        ReplaySpec s = spec(new RangeBound.Offset(0), null);
        assertEquals(ReplayFilter.ALL, s.filter());
        assertEquals(ReplayOverrides.NONE, s.overrides());
        assertEquals(Optional.empty(), s.partitions());
    }

    @Test
    void endsBeforeStartsAreRefused() {
        assertThrows(InvalidReplaySpecException.class, () -> spec(new RangeBound.Offset(10), new RangeBound.Offset(9)));
        assertDoesNotThrow(() -> spec(new RangeBound.Offset(10), new RangeBound.Offset(10)));
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        assertThrows(InvalidReplaySpecException.class, () -> spec(new RangeBound.AtTime(t), new RangeBound.AtTime(t)));
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class, () -> spec(
                new RangeBound.PartitionOffsets(Map.of(0, 5L, 1, 8L)),
                new RangeBound.PartitionOffsets(Map.of(0, 6L, 1, 7L))));
        assertTrue(e.getMessage().contains("partition 1"), e.getMessage());
    }

    @Test
    void bothBoundsListingPartitionsMustListTheSame() {
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class, () -> spec(
                new RangeBound.PartitionOffsets(Map.of(0, 5L)), new RangeBound.PartitionOffsets(Map.of(1, 7L))));
        assertTrue(e.getMessage().contains("same partitions"), e.getMessage());
    }

    @Test
    void eitherBoundMayRestrictThePartitions() {
        ReplaySpec s = spec(new RangeBound.AtTime(Instant.EPOCH), new RangeBound.PartitionOffsets(Map.of(2, 7L)));
        assertEquals(Optional.of(Set.of(2)), s.partitions());
    }
}
