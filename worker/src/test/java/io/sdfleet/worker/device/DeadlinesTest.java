package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.kafka.Jobs;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

    @Test
    void aJobAtOrPastItsDeadlineIsExpiredAndOneWithoutNeverIs() {
        assertTrue(Deadlines.isExpired(Jobs.job(Jobs.P0, 0, Jobs.request("past").deadline(NOW.minusSeconds(1))
                .build(), NOW), NOW));
        assertTrue(Deadlines.isExpired(Jobs.job(Jobs.P0, 1, Jobs.request("exactly").deadline(NOW).build(), NOW), NOW));
        assertFalse(Deadlines.isExpired(Jobs.job(Jobs.P0, 2, Jobs.request("future").deadline(NOW.plusMillis(1))
                .build(), NOW), NOW));
        assertFalse(Deadlines.isExpired(Jobs.job(Jobs.P0, 3, Jobs.request("none").build(), NOW), NOW));
    }
}
