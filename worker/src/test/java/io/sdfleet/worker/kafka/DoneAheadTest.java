package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class DoneAheadTest {

    private static DoneAhead of(long base, Long... offsets) {
        return new DoneAhead(base, new TreeSet<>(List.of(offsets)));
    }

    @Test
    void offsetsAreWrittenRelativeToTheBaseWithRunsAndReadBack() {
        DoneAhead set = of(120, 122L, 125L, 126L, 127L, 128L, 129L, 140L);
        assertEquals("sdfleet-done-ahead:1:120:2,5-9,20", set.metadata());
        assertEquals(Optional.of(set), DoneAhead.parse(120, set.metadata()));
        assertEquals(set, DoneAhead.of(set.commitOffset()));
        DoneAhead atBase = of(7, 7L, 8L);
        assertEquals("sdfleet-done-ahead:1:7:0-1", atBase.metadata(), "the next record itself may be done");
        assertEquals(Optional.of(atBase), DoneAhead.parse(7, atBase.metadata()));
    }

    @Test
    void nothingDoneAheadWritesTheEmptyMetadataOfAPlainCommit() {
        assertEquals("", of(5).metadata());
        assertEquals(new OffsetAndMetadata(5), of(5).commitOffset());
        assertEquals(of(5), DoneAhead.of(new OffsetAndMetadata(5)));
        assertEquals(-1, DoneAhead.of(null).base(), "nothing committed");
        assertTrue(DoneAhead.of(null).offsets().isEmpty());
    }

    @Test
    void metadataThatIsNotOursOrNotForThisOffsetMeansNothingIsDoneAhead() {
        for (String foreign : new String[] {"", "hello", "sdfleet-done-ahead:2:5:1", "sdfleet-done-ahead:1:5",
                "sdfleet-done-ahead:1:5:x", "sdfleet-done-ahead:1:5:3-1", "sdfleet-done-ahead:1:5:-2",
                "sdfleet-done-ahead:1:5:1,,2", "sdfleet-done-ahead:1:5:1:2", "sdfleet-done-ahead:1:5:0-999999999999",
                // hostile: overflow past Long.MAX_VALUE, a run ending there, many offsets in a short string
                "sdfleet-done-ahead:1:5:9223372036854775803", "sdfleet-done-ahead:1:5:0-9223372036854775802",
                "sdfleet-done-ahead:1:5:0-60000,70000-130000"}) {
            assertEquals(Optional.empty(), DoneAhead.parse(5, foreign), foreign);
        }
        assertEquals(Optional.empty(), DoneAhead.parse(6, "sdfleet-done-ahead:1:5:1"),
                "written for offset 5, committed offset 6: reset since, the list no longer applies");
        assertTrue(DoneAhead.of(new OffsetAndMetadata(6, "sdfleet-done-ahead:1:5:1")).offsets().isEmpty());
    }

    @Test
    void whatTheWriterCommitsTheReaderReadsBack() {
        TreeSet<Long> many = new TreeSet<>();
        for (long o = 1; o <= DoneAhead.MAX_OFFSETS + 1; o++) {
            many.add(o);
        }
        DoneAhead tooMany = new DoneAhead(0, many);
        assertTrue(tooMany.metadata().length() < 40, "one run: a short string");
        assertTrue(!tooMany.fits(), "but more offsets than the reader takes: not committed");
        many.pollLast();
        DoneAhead most = new DoneAhead(0, many);
        assertTrue(most.fits());
        assertEquals(Optional.of(most), DoneAhead.parse(0, most.metadata()));
    }

    @Test
    void anOffsetBelowTheBaseIsABug() {
        assertThrows(IllegalArgumentException.class, () -> of(10, 9L));
    }
}
