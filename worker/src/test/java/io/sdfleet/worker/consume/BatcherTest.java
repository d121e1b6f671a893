package io.sdfleet.worker.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.SchedulerName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatcherTest {

    private static final Duration WAIT = Duration.ofMillis(50);
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Batcher batcher = new Batcher(4, WAIT, clock);

    private List<PendingJob> batcherAfterWait() {
        clock.advance(WAIT);
        return batcher.pollReady().orElseThrow();
    }

    private static List<String> ids(List<PendingJob> batch) {
        return batch.stream().map(PendingJob::jobId).toList();
    }

    @Test
    void aFullBatchIsReadyAtOnce() {
        batcher.add(Jobs.job("a", 2, clock.instant()));
        assertTrue(batcher.pollReady().isEmpty(), "2 of 4 images, no time passed: not ready");
        batcher.add(Jobs.job("b", 2, clock.instant()));
        assertEquals(List.of("a", "b"), ids(batcher.pollReady().orElseThrow()));
        assertEquals(0, batcher.size());
    }

    @Test
    void aPartialBatchIsReadyAfterMaxWait() {
        batcher.add(Jobs.job("a", 1, clock.instant()));
        clock.advance(WAIT.minusMillis(1));
        assertTrue(batcher.pollReady().isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("a"), ids(batcher.pollReady().orElseThrow()));
    }

    @Test
    void aBatchNeverHoldsMoreThanMaxImagesButALargeJobRunsAlone() {
        batcher.add(Jobs.job("three", 3, clock.instant()));
        batcher.add(Jobs.job("two", 2, clock.instant()));
        batcher.add(Jobs.job("eight", 8, clock.instant()));
        assertEquals(List.of("three"), ids(batcher.pollReady().orElseThrow()), "3 + 2 > 4");
        assertEquals(List.of("two"), ids(batcher.pollReady().orElseThrow()), "2 + 8 > 4");
        assertEquals(List.of("eight"), ids(batcher.pollReady().orElseThrow()), "alone, larger than the max");
    }

    @Test
    void incompatibleJobsAreNotMixed() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("small").build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("large").size(128, 128).build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 2, Jobs.request("steps").steps(5).build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 3, Jobs.request("sched").scheduler(SchedulerName.values()[1]).build(),
                clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 4, Jobs.request("model").model("other").build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 5, Jobs.request("small2").guidanceScale(3).build(), clock.instant()));
        clock.advance(WAIT);
        assertEquals(List.of("small", "small2"), ids(batcher.pollReady().orElseThrow()),
                "prompt, seed and guidance may differ");
        for (String alone : List.of("large", "steps", "sched", "model")) {
            assertEquals(List.of(alone), ids(batcher.pollReady().orElseThrow()));
        }
        assertTrue(batcher.pollReady().isEmpty());
    }

    @Test
    void oldestFirstSoAnIncompatibleJobIsNotStarved() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("odd").size(128, 128).build(), clock.instant()));
        int offset = 1;
        int fullBatchesBeforeOdd = 0;
        Optional<List<PendingJob>> batch;
        while (true) {
            // a steady stream of compatible jobs fills a batch every turn
            for (int i = 0; i < 4; i++) {
                batcher.add(Jobs.job(Jobs.P0, offset, Jobs.request("j" + offset).build(), clock.instant()));
                offset++;
            }
            clock.advance(Duration.ofMillis(10));
            batch = batcher.pollReady();
            if (ids(batch.orElseThrow()).contains("odd")) {
                break;
            }
            fullBatchesBeforeOdd++;
            assertTrue(fullBatchesBeforeOdd <= WAIT.toMillis() / 10, "odd job starved");
        }
        assertEquals(List.of("odd"), ids(batch.get()));
    }

    @Test
    void jobsOfAKeyLeaveInArrivalOrder() {
        for (int i = 0; i < 8; i++) {
            batcher.add(Jobs.job(Jobs.P0, i, Jobs.request("j" + i).build(), clock.instant()));
        }
        assertEquals(List.of("j0", "j1", "j2", "j3"), ids(batcher.pollReady().orElseThrow()));
        assertEquals(List.of("j4", "j5", "j6", "j7"), ids(batcher.pollReady().orElseThrow()));
    }

    @Test
    void removePartitionsTakesOnlyTheirJobs() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("p0").build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P1, 0, Jobs.request("p1").build(), clock.instant()));
        assertEquals(List.of("p1"), ids(batcher.removePartitions(List.of(Jobs.P1))));
        assertEquals(1, batcher.size());
        assertEquals(List.of("p0"), ids(batcher.removeAll()));
        assertEquals(0, batcher.size());
    }

    @Test
    void takeWaitsForAFullBatch() throws Exception {
        Batcher real = new Batcher(2, Duration.ofMinutes(1), java.time.Clock.systemUTC());
        Thread adder = new Thread(() -> {
            real.add(Jobs.job("a", 1, Instant.now()));
            real.add(Jobs.job("b", 1, Instant.now()));
        });
        adder.start();
        assertEquals(List.of("a", "b"), ids(real.take(Duration.ofSeconds(10))));
        adder.join();
        assertTrue(real.take(Duration.ofMillis(20)).isEmpty(), "nothing more: empty after the timeout");
    }

    @Test
    void aHigherPriorityKeyGoesFirstAmongReadyKeys() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("low").size(128, 128).build(), clock.instant()));
        clock.advance(Duration.ofMillis(1));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("high").priority(5).build(), clock.instant()));
        clock.advance(WAIT);
        assertEquals(List.of("high"), ids(batcher.pollReady().orElseThrow()), "priority beats age");
        assertEquals(List.of("low"), ids(batcher.pollReady().orElseThrow()));
    }

    @Test
    void withinAKeyHigherPriorityJobsJoinTheBatchFirst() {
        for (int i = 0; i < 4; i++) {
            batcher.add(Jobs.job(Jobs.P0, i, Jobs.request("j" + i).build(), clock.instant()));
        }
        batcher.add(Jobs.job(Jobs.P0, 4, Jobs.request("urgent").priority(9).build(), clock.instant()));
        assertEquals(List.of("urgent", "j0", "j1", "j2"), ids(batcher.pollReady().orElseThrow()));
        assertEquals(List.of("j3"), ids(batcherAfterWait()));
    }

    @Test
    void priorityNeverStarvesALowPriorityJob() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("low").size(128, 128).build(), clock.instant()));
        Duration waited = Duration.ZERO;
        int offset = 1;
        while (true) {
            // a steady stream of full high-priority batches
            for (int i = 0; i < 4; i++) {
                batcher.add(Jobs.job(Jobs.P0, offset, Jobs.request("h" + offset).priority(9).build(),
                        clock.instant()));
                offset++;
            }
            List<PendingJob> batch = batcher.pollReady().orElseThrow();
            if (ids(batch).contains("low")) {
                break;
            }
            clock.advance(Duration.ofMillis(100));
            waited = waited.plusMillis(100);
            assertTrue(waited.compareTo(batcher.priorityAging()) <= 0, "low-priority job starved");
        }
        assertTrue(waited.compareTo(batcher.priorityAging()) >= 0, "it waited for its aging, not less");
    }

    @Test
    void aJobAddedAloneRunsAsABatchOfOneAtOnceAndLeavesWithItsPartition() {
        batcher.add(Jobs.job("a", 1, clock.instant()));
        batcher.addAlone(Jobs.job("b", 1, clock.instant()));
        batcher.addAlone(Jobs.job("c", 1, clock.instant()));
        assertEquals(List.of("b"), ids(batcher.pollReady().orElseThrow()), "no wait, and alone");
        assertEquals(2, batcher.size());
        assertEquals(java.util.Set.of("a", "c"), java.util.Set.copyOf(ids(batcher.removePartitions(List.of(Jobs.P0)))));
        assertEquals(0, batcher.size());
    }
}
