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
 * back for redelivery); a fatal one, or any other exception from the pipeline (a bug), ends this thread
 * with a {@link WorkerFatalException}, which the worker's supervisor rethrows on the controlling thread.
 */
public final class DeviceStage implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStage.class);
    /** How long one wait for a batch lasts before the stop condition is checked again. */
    static final Duration TAKE_TIMEOUT = Duration.ofMillis(100);

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
            inbox.redeliver(jobs);
            if (fault.fatal()) {
                throw new WorkerFatalException("fatal device fault: " + fault.getMessage(), fault);
            }
            LOG.warn("device fault on a batch of {} jobs ({}); they will be delivered again", jobs.size(),
                    fault.getMessage());
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

    private static boolean sameJobs(List<PendingJob> jobs, List<JobResult> results) {
        for (int i = 0; i < jobs.size(); i++) {
            if (!jobs.get(i).jobId().equals(results.get(i).jobId())) {
                return false;
            }
        }
        return true;
    }
}
