package io.sdfleet.worker.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.BatchPipeline;
import io.sdfleet.worker.pipeline.DeviceFault;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.store.Backoff;
import io.sdfleet.worker.store.ImageStore;
import io.sdfleet.worker.store.Retrier;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceFaultPolicy} on the device thread: a fault on a batch is handed back and counted, never fatal
 * (even when the pipeline calls it fatal, as for a second OutOfMemoryError in a row); a fault on a job running
 * alone is fatal only when the known-good probe fails too.
 */
class DeviceStageFaultTest {

    /** Faults (flagged fatal) on every real job; the probe succeeds or not. */
    private static final class OomPipeline implements BatchPipeline {
        private final boolean probeRuns;
        int probes;

        OomPipeline(boolean probeRuns) {
            this.probeRuns = probeRuns;
        }

        @Override
        public List<JobResult> run(List<JobRequest> jobs) throws DeviceFault {
            if (jobs.size() == 1 && jobs.get(0).jobId().equals(DeviceStage.PROBE.jobId())) {
                probes++;
                if (probeRuns) {
                    return List.of(new JobResult(jobs.get(0).jobId(), List.of(), List.of(), Map.of(), null));
                }
            }
            throw new DeviceFault("Java heap space (again: giving up on this process)", new OutOfMemoryError(), true);
        }

        @Override
        public String modelName() {
            return "m";
        }

        @Override
        public String runtimeName() {
            return "r";
        }

        @Override
        public int maxBatchImages() {
            return 8;
        }

        @Override
        public void close() {
        }
    }

    private final WorkInbox inbox = new WorkInbox();

    private DeviceStage stage(BatchPipeline pipeline) {
        ImageStore unused = (ImageStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ImageStore.class}, (proxy, method, args) -> {
                    throw new AssertionError("no image is stored here");
                });
        ShutdownController controller = new ShutdownController(state -> { });
        WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
        CompletionRecords completions = new CompletionRecords("completions");
        JobIdentity identity = new JobIdentity("w", "m", "r");
        Retrier retrier = new Retrier(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random(1)),
                Duration.ZERO, Retrier.Sleeper.SYSTEM, System::nanoTime, (operation, attempt, failure, next) -> { });
        StoreStage store = new StoreStage(unused, retrier, "p", new PngEncoder(), completions, identity, inbox,
                controller, metrics, Clock.systemUTC(), 1);
        return new DeviceStage(new Batcher(8, Duration.ofMillis(1), Clock.systemUTC()), pipeline, store, completions,
                identity, inbox, controller, metrics, Clock.systemUTC(), Duration.ZERO);
    }

    private static PendingJob job(String id, long offset) {
        Instant now = Instant.now();
        return Jobs.job(Jobs.P0, offset, Jobs.request(id).build(), now);
    }

    @Test
    void aFaultOnABatchIsHandedBackAndCountedEvenWhenThePipelineCallsItFatal() throws InterruptedException {
        OomPipeline pipeline = new OomPipeline(false);
        stage(pipeline).runBatch(List.of(job("a", 0), job("b", 1)));
        assertEquals(2, inbox.drainRedeliveries().size());
        List<WorkInbox.Fault> faults = inbox.drainFaults();
        assertEquals(2, faults.size());
        assertTrue(faults.stream().noneMatch(WorkInbox.Fault::alone));
        assertEquals(0, pipeline.probes, "no probe for a batch: its jobs come back alone");
    }

    @Test
    void aFaultOnAJobAloneIsCountedWhenTheProbeRuns() throws InterruptedException {
        OomPipeline pipeline = new OomPipeline(true);
        stage(pipeline).runBatch(List.of(job("a", 0)));
        assertEquals(1, pipeline.probes);
        List<WorkInbox.Fault> faults = inbox.drainFaults();
        assertEquals(1, faults.size());
        assertTrue(faults.get(0).alone());
    }

    @Test
    void aFaultOnAJobAloneIsFatalWhenTheProbeFailsToo() {
        OomPipeline pipeline = new OomPipeline(false);
        DeviceStage stage = stage(pipeline);
        assertThrows(WorkerFatalException.class, () -> stage.runBatch(List.of(job("a", 0))));
        assertEquals(1, pipeline.probes);
        assertTrue(inbox.drainFaults().isEmpty());
        assertEquals(1, inbox.drainRedeliveries().size());
    }

    @Test
    void jobsThatKeepFaultingAloneWhileOnlyTheProbeRunsStopTheWorker() throws InterruptedException {
        OomPipeline pipeline = new OomPipeline(true);
        DeviceStage stage = stage(pipeline);
        for (int i = 1; i < DeviceFaultPolicy.MAX_ALONE_FAULTS_WITHOUT_SUCCESS; i++) {
            stage.runBatch(List.of(job("j" + i, i)));
        }
        assertThrows(WorkerFatalException.class, () -> stage.runBatch(List.of(job("last", 99))));
    }
}
