package io.sdfleet.worker.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

    @Test
    void jobsAtOrPastTheirDeadlineAreSplitOff() {
        PendingJob past = Jobs.job(Jobs.P0, 0, Jobs.request("past").deadline(NOW.minusSeconds(1)).build(), NOW);
        PendingJob exactly = Jobs.job(Jobs.P0, 1, Jobs.request("exactly").deadline(NOW).build(), NOW);
        PendingJob future = Jobs.job(Jobs.P0, 2, Jobs.request("future").deadline(NOW.plusMillis(1)).build(), NOW);
        PendingJob none = Jobs.job(Jobs.P0, 3, Jobs.request("none").build(), NOW);

        Deadlines.Split split = Deadlines.split(List.of(past, future, exactly, none), NOW);

        assertEquals(List.of(past, exactly), split.expired());
        assertEquals(List.of(future, none), split.runnable());
    }
}
