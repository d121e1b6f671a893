package io.sdfleet.worker.consume;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.TimingKeys;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.BatchPipeline;
import io.sdfleet.worker.pipeline.DeviceFault;
import io.sdfleet.worker.pipeline.JobResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The device thread ({@code sdfleet-device}): takes a micro-batch from the {@link Batcher}, completes the
 * jobs past their deadline as EXPIRED, runs the others through the {@link BatchPipeline} and hands each
 * result to the {@link StoreStage}; then takes the next batch while the store pool works.
 *
 * <p>Runs until the worker stops taking work (draining: the batch on the device is finished first). The
 * pipeline is the native call: a {@link DeviceFault} means the batch is not committed (its jobs are handed
 * back for redelivery and counted: {@link DeviceFaultPolicy} is the policy); a fault on a job running alone
 * while the known-good probe fails too, or any other exception from the pipeline (a bug), ends this thread
 * with a {@link WorkerFatalException}, which the worker's supervisor rethrows on the controlling thread.
 */
public final class DeviceStage implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStage.class);
    /** How long one wait for a batch lasts before the stop condition is checked again. */
    static final Duration TAKE_TIMEOUT = Duration.ofMillis(100);
    /** The known-good probe of {@link DeviceFaultPolicy}: the warm-up shape, the smallest run there is. */
    static final JobRequest PROBE = JobRequest.builder("device probe").jobId("device-probe").seed(0L).steps(1)
            .size(64, 64).build();
    static final String PROBE_DESCRIPTION = "a 64x64 1-step probe";

    private final Batcher batcher;
    private final BatchPipeline pipeline;
    private final StoreStage store;
    private final CompletionRecords completions;
    private final JobIdentity identity;
    private final WorkInbox inbox;
    private final ShutdownController controller;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final Duration faultPause;
    /** Faults of jobs running alone (the probe ran) since a real batch last completed. */
    private int aloneFaultsSinceSuccess;

    /**
     * @param faultPause how long to wait after a non-fatal device fault before the next batch (so a device
     *                   that keeps failing does not spin)
     */
    public DeviceStage(Batcher batcher, BatchPipeline pipeline, StoreStage store, CompletionRecords completions,
            JobIdentity identity, WorkInbox inbox, ShutdownController controller, WorkerMetrics metrics, Clock clock,
            Duration faultPause) {
        this.batcher = batcher;
        this.pipeline = pipeline;
        this.store = store;
        this.completions = completions;
        this.identity = identity;
        this.inbox = inbox;
        this.controller = controller;
        this.metrics = metrics;
        this.clock = clock;
        this.faultPause = faultPause;
    }

    @Override
    public void run() {
        MDC.put("workerId", identity.workerId());
        try {
            while (takesBatches()) {
                List<PendingJob> batch = batcher.take(TAKE_TIMEOUT);
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("device thread interrupted; the batch on the device (if any) is delivered again");
        }
    }

    private boolean takesBatches() {
        WorkerState s = controller.state();
        return (s == WorkerState.STARTING || s.takesWork()) && !Thread.currentThread().isInterrupted();
    }

    /** Runs one batch (package-private for tests). */
    void runBatch(List<PendingJob> batch) throws InterruptedException {
        Instant started = clock.instant();
        inbox.started(batch.size());
        Deadlines.Split split = Deadlines.split(batch, started);
        for (PendingJob job : split.expired()) {
            Completion expired = Completion.expired(job.request(), identity.workerId(),
                    Map.of(TimingKeys.QUEUE, Duration.between(job.recordTime(), started).toNanos() / 1e6), started);
            inbox.finished(completions.finished(job, expired), true);
            metrics.jobFinished(expired.status());
            LOG.info("job {} EXPIRED (deadline {})", job.jobId(), job.request().deadline());
        }
        List<PendingJob> jobs = split.runnable();
        if (jobs.isEmpty()) {
            return;
        }
        List<JobRequest> requests = jobs.stream().map(PendingJob::request).toList();
        int images = requests.stream().mapToInt(JobRequest::numImages).sum();
        List<JobResult> results;
        try {
            // Native call. DeviceFault: not the jobs' fault → redeliver (fatal ones stop the worker).
            // A RuntimeException would be a pipeline bug: it stops the worker rather than loop on a batch.
            results = pipeline.run(requests);
        } catch (DeviceFault fault) {
            // DeviceFaultPolicy: only a job failing alone while the probe fails too stops the worker.
            if (jobs.size() == 1 && !probeRuns()) {
                inbox.redeliver(jobs);
                throw new WorkerFatalException("fatal device fault: " + fault.getMessage() + "; "
                        + PROBE_DESCRIPTION + " failed too", fault);
            }
            if (jobs.size() == 1 && ++aloneFaultsSinceSuccess >= DeviceFaultPolicy.MAX_ALONE_FAULTS_WITHOUT_SUCCESS) {
                inbox.redeliver(jobs);
                throw new WorkerFatalException("fatal device fault: " + aloneFaultsSinceSuccess + " jobs in a row"
                        + " faulted running alone while only the probe ran: " + fault.getMessage(), fault);
            }
            inbox.redeliverAfterFault(jobs);
            LOG.warn("device fault on a batch of {} job(s) ({}); {}", jobs.size(), fault.getMessage(),
                    jobs.size() == 1 ? PROBE_DESCRIPTION + " ran, so the job is counted and delivered again"
                            : "they will be delivered again, each alone");
            Thread.sleep(faultPause.toMillis());
            return;
        } catch (RuntimeException e) {
            inbox.redeliver(jobs);
            throw new WorkerFatalException("the pipeline failed unexpectedly on " + jobs, e);
        }
        if (results.size() != jobs.size() || !sameJobs(jobs, results)) {
            inbox.redeliver(jobs);
            throw new WorkerFatalException("the pipeline returned " + results.size() + " results for "
                    + jobs.size() + " jobs, or not in their order", null);
        }
        aloneFaultsSinceSuccess = 0;
        Duration took = Duration.between(started, clock.instant());
        metrics.batchRun(jobs.size(), images);
        // Stages shared by the batch (tokenize, encode, denoise, decode) are the same in every result.
        results.get(0).timingsMs().forEach((stage, ms) -> metrics.stage(stage, Duration.ofNanos((long) (ms * 1e6))));
        jobs.forEach(job -> metrics.stage(TimingKeys.QUEUE, Duration.between(job.recordTime(), started)));
        LOG.debug("batch of {} jobs ({} images) ran in {} ms", jobs.size(), images, took.toMillis());
        for (int i = 0; i < jobs.size(); i++) {
            store.submit(jobs.get(i), results.get(i), jobs.size(), started);
        }
    }

    /**
     * Runs the known-good probe ({@link #PROBE}): true when it made its image, so the device works and a
     * fault on a job running alone was the job's size; false on any failure of it.
     */
    private boolean probeRuns() {
        try {
            List<JobResult> results = pipeline.run(List.of(PROBE));
            return results.size() == 1 && results.get(0).succeeded();
        } catch (DeviceFault | RuntimeException e) {
            LOG.warn("{} failed: {}", PROBE_DESCRIPTION, e.toString());
            return false;
        }
    }

    private static boolean sameJobs(List<PendingJob> jobs, List<JobResult> results) {
        for (int i = 0; i < jobs.size(); i++) {
            if (!jobs.get(i).jobId().equals(results.get(i).jobId())) {
                return false;
            }
        }
        return true;
    }
}
