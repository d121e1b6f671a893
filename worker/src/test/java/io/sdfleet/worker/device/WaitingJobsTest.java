package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.kafka.Jobs;
import io.sdfleet.worker.kafka.MutableClock;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.runtime.LatentSize;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The waiting queue's two ways to take (continuous: per latent size, in rank order, as UNet items allow; static:
 * micro-batches of one key, ready when full or after the batch wait) and its one rank (aged, priority, age).
 */
class WaitingJobsTest {

    private static final Duration WAIT = Duration.ofMillis(50);
    private static final LatentSize S64 = LatentSize.ofImage(64, 64);
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final WaitingJobs batcher = new WaitingJobs(WAIT, clock);

    private Optional<List<PendingJob>> ready() {
        return batcher.takeStaticBatch(4);
    }

    private List<PendingJob> batcherAfterWait() {
        clock.advance(WAIT);
        return ready().orElseThrow();
    }

    private static List<String> ids(List<PendingJob> batch) {
        return batch.stream().map(PendingJob::jobId).toList();
    }

    // --- continuous ---

    @Test
    void aCallTakesJobsOfItsSizeInArrivalOrderWhileTheirImagesFit() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("a").numImages(2).build(), clock.instant())); // 4 items
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("other-size").size(128, 128).build(), clock.instant()));
        batcher.add(Jobs.job(Jobs.P0, 2, Jobs.request("b").guidanceScale(1).build(), clock.instant())); // 1 item
        batcher.add(Jobs.job(Jobs.P0, 3, Jobs.request("c").build(), clock.instant())); // 2 items
        assertEquals(List.of("a", "b"), ids(batcher.takeForCall(S64, 6)), "4 + 1 items, then c's 2 do not fit in 1");
        assertEquals(List.of("c"), ids(batcher.takeForCall(S64, 6)));
        assertEquals(List.of(), ids(batcher.takeForCall(S64, 6)));
        assertEquals(List.of(LatentSize.ofImage(128, 128)), batcher.sizes());
    }

    @Test
    void aJobWithMoreImagesThanFitIsTakenWhenOneImageFitsAndNothingOvertakesIt() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("big").numImages(8).build(), clock.instant())); // 16 items
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("small").build(), clock.instant()));
        assertEquals(List.of(), ids(batcher.takeForCall(S64, 1)), "not even one guided image fits: none is taken");
        assertEquals(List.of("big"), ids(batcher.takeForCall(S64, 8)), "4 of its images fit: taken, small waits");
        assertEquals(List.of("small"), ids(batcher.takeForCall(S64, 8)));
    }

    @Test
    void aCallTakesByPriorityThenAgeAndAgedJobsOutrankEveryPriority() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("old-low").build(), clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("new-high").priority(7).build(), clock.instant()));
        assertEquals(List.of("new-high"), ids(batcher.takeForCall(S64, 2)), "priority first");
        batcher.add(Jobs.job(Jobs.P0, 2, Jobs.request("newer-high").priority(9).build(), clock.instant()));
        clock.advance(batcher.priorityAging());
        assertEquals(List.of("old-low"), ids(batcher.takeForCall(S64, 2)), "aged: outranks priority 9");
    }

    @Test
    void jobsPastTheirDeadlineAreTakenOutBeforeAdmission() {
        Instant now = clock.instant();
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("past").deadline(now.minusSeconds(1)).build(), now));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("exactly").deadline(now).build(), now));
        batcher.add(Jobs.job(Jobs.P0, 2, Jobs.request("future").deadline(now.plusMillis(1)).build(), now));
        batcher.add(Jobs.job(Jobs.P0, 3, Jobs.request("none").build(), now));
        assertEquals(List.of("past", "exactly"), ids(batcher.removeExpired()));
        assertEquals(2, batcher.size());
    }

    @Test
    void sizesComeOldestJobFirst() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("large").size(128, 128).build(), clock.instant()));
        clock.advance(Duration.ofMillis(1));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("small").build(), clock.instant()));
        assertEquals(List.of(LatentSize.ofImage(128, 128), S64), batcher.sizes());
    }

    @Test
    void awaitWorkWakesWhenAJobArrives() throws Exception {
        WaitingJobs real = new WaitingJobs(WAIT, java.time.Clock.systemUTC());
        assertTrue(!real.awaitWork(Duration.ofMillis(20)), "nothing: false after the timeout");
        Thread adder = new Thread(() -> real.add(Jobs.job("a", 1, Instant.now())));
        adder.start();
        assertTrue(real.awaitWork(Duration.ofSeconds(10)));
        adder.join();
    }

    // --- static ---

    @Test
    void aFullBatchIsReadyAtOnce() {
        batcher.add(Jobs.job("a", 2, clock.instant()));
        assertTrue(ready().isEmpty(), "2 of 4 images, no time passed: not ready");
        batcher.add(Jobs.job("b", 2, clock.instant()));
        assertEquals(List.of("a", "b"), ids(ready().orElseThrow()));
        assertEquals(0, batcher.size());
    }

    @Test
    void aPartialBatchIsReadyAfterMaxWait() {
        batcher.add(Jobs.job("a", 1, clock.instant()));
        clock.advance(WAIT.minusMillis(1));
        assertTrue(ready().isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("a"), ids(ready().orElseThrow()));
    }

    @Test
    void aBatchNeverHoldsMoreThanMaxImagesButALargeJobRunsAlone() {
        batcher.add(Jobs.job("three", 3, clock.instant()));
        batcher.add(Jobs.job("two", 2, clock.instant()));
        batcher.add(Jobs.job("eight", 8, clock.instant()));
        assertEquals(List.of("three"), ids(ready().orElseThrow()), "3 + 2 > 4");
        assertEquals(List.of("two"), ids(ready().orElseThrow()), "2 + 8 > 4");
        assertEquals(List.of("eight"), ids(ready().orElseThrow()), "alone, larger than the max");
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
        assertEquals(List.of("small", "small2"), ids(ready().orElseThrow()),
                "prompt, seed and guidance may differ");
        for (String alone : List.of("large", "steps", "sched", "model")) {
            assertEquals(List.of(alone), ids(ready().orElseThrow()));
        }
        assertTrue(ready().isEmpty());
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
            batch = ready();
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
        assertEquals(List.of("j0", "j1", "j2", "j3"), ids(ready().orElseThrow()));
        assertEquals(List.of("j4", "j5", "j6", "j7"), ids(ready().orElseThrow()));
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
    void aHigherPriorityKeyGoesFirstAmongReadyKeys() {
        batcher.add(Jobs.job(Jobs.P0, 0, Jobs.request("low").size(128, 128).build(), clock.instant()));
        clock.advance(Duration.ofMillis(1));
        batcher.add(Jobs.job(Jobs.P0, 1, Jobs.request("high").priority(5).build(), clock.instant()));
        clock.advance(WAIT);
        assertEquals(List.of("high"), ids(ready().orElseThrow()), "priority beats age");
        assertEquals(List.of("low"), ids(ready().orElseThrow()));
    }

    @Test
    void withinAKeyHigherPriorityJobsJoinTheBatchFirst() {
        for (int i = 0; i < 4; i++) {
            batcher.add(Jobs.job(Jobs.P0, i, Jobs.request("j" + i).build(), clock.instant()));
        }
        batcher.add(Jobs.job(Jobs.P0, 4, Jobs.request("urgent").priority(9).build(), clock.instant()));
        assertEquals(List.of("urgent", "j0", "j1", "j2"), ids(ready().orElseThrow()));
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
            List<PendingJob> batch = ready().orElseThrow();
            if (ids(batch).contains("low")) {
                break;
            }
            clock.advance(Duration.ofMillis(100));
            waited = waited.plusMillis(100);
            assertTrue(waited.compareTo(batcher.priorityAging()) <= 0, "low-priority job starved");
        }
        assertTrue(waited.compareTo(batcher.priorityAging()) >= 0, "it waited for its aging, not less");
    }
}
