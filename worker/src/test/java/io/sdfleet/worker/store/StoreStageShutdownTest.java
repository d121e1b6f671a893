package io.sdfleet.worker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.kafka.CompletionRecords;
import io.sdfleet.worker.kafka.Jobs;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.pipeline.JobTimings;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A job the device finishes after the store pool was shut down is dropped (redelivered), not a failure. */
class StoreStageShutdownTest {

    @Test
    void aJobSubmittedAfterShutdownIsDroppedQuietly() throws InterruptedException {
        ImageStore unused = (ImageStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ImageStore.class}, (proxy, method, args) -> {
                    throw new AssertionError("the store must not be called: " + method.getName());
                });
        WorkInbox inbox = new WorkInbox();
        ShutdownController controller = new ShutdownController(state -> { });
        Retrier retrier = new Retrier(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random(1)),
                Duration.ZERO, Retrier.Sleeper.SYSTEM, System::nanoTime, (operation, attempt, failure, next) -> { });
        StoreStage stage = new StoreStage(unused, retrier, "p", new PngEncoder(), new CompletionRecords("c"),
                new JobIdentity("w", "m", "r"), inbox, controller, new WorkerMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(), 1);
        PendingJob job = Jobs.job("job-a", 1, Instant.EPOCH);
        inbox.started(1);
        stage.shutdown(Duration.ZERO);

        stage.submit(JobOutcome.succeeded(job, List.of(), List.of(), JobTimings.NONE, 1));

        assertTrue(controller.failure() == null, "no failure recorded: " + controller.failure());
        assertEquals(0, inbox.inFlight());
        assertTrue(inbox.drainFinished().isEmpty());
    }
}
