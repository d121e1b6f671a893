package io.sdfleet.producer.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeBoundTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aSingleNumberIsTheSameOffsetOnEveryPartition() {
        assertEquals(new RangeBound.Offset(120), RangeBound.parseOffsets(" 120 "));
        assertEquals(Optional.empty(), RangeBound.parseOffsets("0").partitions());
    }

    @Test
    void pairsRestrictToTheListedPartitions() {
        RangeBound bound = RangeBound.parseOffsets("2:75,0:120");
        assertEquals(new RangeBound.PartitionOffsets(Map.of(0, 120L, 2, 75L)), bound);
        assertEquals(Optional.of(Set.of(0, 2)), bound.partitions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "abc", "0:", ":5", "0:1,,1:2", "0:-3", "1.5", "99999999999999999999"})
    void malformedOffsetsAreRefusedWithTheText(String text) {
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class,
                () -> RangeBound.parseOffsets(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void aPartitionGivenTwiceIsRefused() {
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class,
                () -> RangeBound.parseOffsets("1:5,1:6"));
        assertTrue(e.getMessage().contains("partition 1 is given twice"), e.getMessage());
    }

    @Test
    void timesAreInstantsOffsetDateTimesNowOrBeforeNow() {
        assertEquals(new RangeBound.AtTime(Instant.parse("2026-02-01T10:00:00Z")),
                RangeBound.parseTime("2026-02-01T10:00:00Z", CLOCK));
        assertEquals(new RangeBound.AtTime(Instant.parse("2026-02-01T08:00:00Z")),
                RangeBound.parseTime("2026-02-01T10:00:00+02:00", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW), RangeBound.parseTime("now", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW.minus(Duration.ofHours(2))), RangeBound.parseTime("-2h", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW.minus(Duration.ofMinutes(30))), RangeBound.parseTime("-30m", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW.minus(Duration.ofDays(1))), RangeBound.parseTime("-1d", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW.minusMillis(1500)), RangeBound.parseTime("-1500ms", CLOCK));
        assertEquals(new RangeBound.AtTime(NOW.minus(Duration.ofMinutes(90))), RangeBound.parseTime("-PT1H30M", CLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "+2h", "-2x", "2026-13-01T00:00:00Z", "-", "--PT1H"})
    void malformedTimesAreRefusedWithTheText(String text) {
        InvalidReplaySpecException e = assertThrows(InvalidReplaySpecException.class,
                () -> RangeBound.parseTime(text, CLOCK));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }
}
