package io.sdfleet.worker.store;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.Stage;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.kafka.CompletionRecords;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobImageParameters;
import io.sdfleet.worker.pipeline.JobTimings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The store pool ({@code sdfleet-store-N}): for each job the device stage finished, PNG-encode its images with
 * the A1111 "parameters" text chunk, put each under {@code <prefix>/<jobId>/<index>.png} (content type, sha256
 * and parameters as metadata), presign a GET URL, build the job's {@link Completion} ({@link JobCompletions},
 * the one place completions are built: FAILED and EXPIRED outcomes pass through here too, without an upload)
 * and hand it to the poll thread. Runs beside the device, so the device never waits on I/O.
 *
 * <p>Failures, per job: the store unreachable ({@link StoreUnavailableException}) is retried with backoff by
 * the {@link Retrier}; when its deadline passes the job is handed back for redelivery, never marked done.
 * The store refusing this one object ({@link StoreRejectedException}): FAILED completion
 * {@link ErrorCode#STORE_REJECTED}. Wrong credentials, bucket or region ({@link StoreConfigurationException}):
 * fatal, reported to the {@link ShutdownController}. Interrupted (shutdown past the grace period): the job is
 * dropped and redelivered. Any other exception is a bug, never a job's error: fatal. The job id is in the MDC
 * while a job is handled; one log line per job done.
 */
public final class StoreStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreStage.class);

    private final ImageStore store;
    private final Retrier retrier;
    private final String prefix;
    private final PngEncoder encoder;
    private final CompletionRecords completions;
    private final JobCompletions built;
    private final JobIdentity identity;
    private final WorkInbox inbox;
    private final ShutdownController controller;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final ExecutorService pool;

    public StoreStage(ImageStore store, Retrier retrier, String prefix, PngEncoder encoder,
            CompletionRecords completions, JobIdentity identity, WorkInbox inbox, ShutdownController controller,
            WorkerMetrics metrics, Clock clock, int threads) {
        this.store = store;
        this.retrier = retrier;
        this.prefix = prefix;
        this.encoder = encoder;
        this.completions = completions;
        this.built = new JobCompletions(identity);
        this.identity = identity;
        this.inbox = inbox;
        this.controller = controller;
        this.metrics = metrics;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        // Unbounded queue: the poll loop bounds the jobs in the worker (SDFLEET_MAX_PENDING_JOBS).
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "sdfleet-store-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Queues one finished job; returns at once. After {@link #shutdown} (the worker stopped while the device
     * still finished a job) the job is dropped: it is not committed, so it is delivered again.
     */
    public void submit(JobOutcome outcome) {
        try {
            pool.execute(() -> handleLogged(outcome));
        } catch (RejectedExecutionException e) {
            inbox.abandoned();
            LOG.info("store pool already shut down; {} is left for redelivery", outcome.job());
        }
    }

    private void handleLogged(JobOutcome outcome) {
        PendingJob job = outcome.job();
        MDC.put("workerId", identity.workerId());
        MDC.put("jobId", job.jobId());
        try {
            handle(outcome);
        } catch (InterruptedException e) {
            inbox.abandoned();
            LOG.info("store of {} interrupted (shutdown); it will be delivered again", job);
        } catch (StoreUnavailableException e) {
            LOG.warn("object store unavailable for {} after retrying ({}); it will be delivered again", job,
                    e.toString());
            inbox.redeliver(List.of(job));
        } catch (StoreConfigurationException e) {
            inbox.abandoned();
            controller.fail(new WorkerFatalException("object store misconfigured: " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            inbox.abandoned();
            controller.fail(new WorkerFatalException("store stage failed on " + job + ": " + e, e));
        } finally {
            MDC.remove("jobId");
        }
    }

    private void handle(JobOutcome outcome)
            throws InterruptedException, StoreUnavailableException, StoreConfigurationException {
        PendingJob job = outcome.job();
        JobTimings timings = outcome.timings();
        Completion completion;
        if (outcome.status() != CompletionStatus.SUCCEEDED) {
            completion = built.notSucceeded(outcome, null, total(job, timings).toWireMillis(), clock.instant());
        } else {
            try {
                StoredImages stored = storeImages(job.request(), outcome.images());
                timings = total(job, timings.with(Stage.PNG, stored.png()).with(Stage.UPLOAD, stored.upload()));
                completion = built.succeeded(outcome, stored.refs(), timings.toWireMillis(), clock.instant());
            } catch (StoreRejectedException e) {
                completion = built.notSucceeded(outcome, ErrorCode.STORE_REJECTED.error(e.getMessage()),
                        total(job, timings).toWireMillis(), clock.instant());
            } catch (StoreUnavailableException | StoreConfigurationException | InterruptedException e) {
                throw e;
            } catch (StoreException e) {
                // Not found on a put: the bucket vanished under us; the operator must look (same as misconfigured).
                throw new WorkerFatalException("object store: " + e.getMessage(), e);
            }
        }
        inbox.finished(completions.finished(job, completion), true);
        Map<String, Double> wire = completion.timingsMs();
        wire.forEach((key, ms) -> Stage.ofKey(key).ifPresent(stage -> metrics.stage(stage,
                Duration.ofNanos((long) (ms * 1e6)))));
        LOG.info("job {} {} images={} batch={} totalMs={}{}", job.jobId(), completion.status(),
                completion.images().size(), completion.batchSize(),
                Math.round(wire.getOrDefault(Stage.TOTAL.key(), 0.0)),
                completion.error() == null ? "" : " error=" + completion.error().code());
    }

    private record StoredImages(List<ImageRef> refs, Duration png, Duration upload) {
    }

    private StoredImages storeImages(JobRequest request, List<GeneratedImage> images)
            throws StoreException, InterruptedException {
        List<ImageRef> refs = new ArrayList<>();
        Duration png = Duration.ZERO;
        Duration upload = Duration.ZERO;
        for (GeneratedImage image : images) {
            String parameters = A1111Parameters.format(JobImageParameters.of(request, image, identity.model()));
            Instant t0 = clock.instant();
            byte[] bytes = encoder.encode(image.image(), Map.of(A1111Parameters.PNG_KEYWORD, parameters));
            Instant t1 = clock.instant();
            String key = ObjectKeys.imageKey(prefix, request.jobId(), image.index());
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("job-id", request.jobId());
            metadata.put("seed", Long.toString(image.seed()));
            metadata.put(A1111Parameters.PNG_KEYWORD, parameters);
            // S3 call: unavailable → retried by the Retrier until its deadline, then the job is redelivered;
            // rejected → this job FAILED; configuration → the process stops.
            StoredObject stored = retrier.call("put " + key, () -> store.put(key, bytes, metadata));
            // Presigning is computed locally; a failure here is a configuration problem of the store.
            String url = store.presignedGetUrl(key);
            Instant t2 = clock.instant();
            png = png.plus(Duration.between(t0, t1));
            upload = upload.plus(Duration.between(t1, t2));
            refs.add(new ImageRef(stored.bucket(), key, url, image.image().width(), image.image().height(),
                    image.seed(), stored.sha256()));
        }
        metrics.imagesProduced(refs.size());
        return new StoredImages(refs, png, upload);
    }

    /** The timings with the total: from taking the record to now. */
    private JobTimings total(PendingJob job, JobTimings timings) {
        return timings.with(Stage.TOTAL, Duration.between(job.takenAt(), clock.instant()));
    }

    /** Stops taking jobs; waits up to {@code timeout} for the queued ones, then interrupts the rest. */
    public void shutdown(Duration timeout) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
