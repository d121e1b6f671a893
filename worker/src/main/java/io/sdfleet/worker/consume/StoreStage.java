package io.sdfleet.worker.consume;

import io.sdfleet.common.Completion;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.TimingKeys;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobImageParameters;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.store.ImageStore;
import io.sdfleet.worker.store.ObjectKeys;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.StoreConfigurationException;
import io.sdfleet.worker.store.StoreException;
import io.sdfleet.worker.store.StoreRejectedException;
import io.sdfleet.worker.store.StoreUnavailableException;
import io.sdfleet.worker.store.StoredObject;
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
 * The store pool ({@code sdfleet-store-N}): for each job of a finished device batch, PNG-encode its
 * images with the A1111 "parameters" text chunk, put each under {@code <prefix>/<jobId>/<index>.png}
 * (content type, sha256 and parameters as metadata), presign a GET URL, build the {@link Completion} and
 * hand it to the poll thread. Runs beside the next device batch, so the device does not wait on I/O.
 *
 * <p>Failures, per job: the store unreachable ({@link StoreUnavailableException}) is retried with backoff by
 * the {@link Retrier}; when its deadline passes the job is handed back for redelivery, never marked done.
 * The store refusing this one object ({@link StoreRejectedException}) or an image that cannot be encoded:
 * FAILED completion. Wrong credentials, bucket or region ({@link StoreConfigurationException}): fatal,
 * reported to the {@link ShutdownController}. Interrupted (shutdown past the grace period): the job is
 * dropped and redelivered. Any other exception is a bug: fatal. The job id is in the MDC while a job is
 * handled; one log line per job done.
 */
public final class StoreStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreStage.class);
    /** Codes of FAILED completions made here (the pipeline's own codes come in its JobResult). */
    public static final String STORE_REJECTED = "STORE_REJECTED";

    private final ImageStore store;
    private final Retrier retrier;
    private final String prefix;
    private final PngEncoder encoder;
    private final CompletionRecords completions;
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
     * Queues one job of a finished batch; returns at once. After {@link #shutdown} (the worker stopped while
     * the device still finished a batch) the job is dropped: it is not committed, so it is delivered again.
     */
    public void submit(PendingJob job, JobResult result, int batchSize, Instant batchStarted) {
        try {
            execute(job, result, batchSize, batchStarted);
        } catch (RejectedExecutionException e) {
            inbox.abandoned();
            LOG.info("store pool already shut down; {} is left for redelivery", job);
        }
    }

    private void execute(PendingJob job, JobResult result, int batchSize, Instant batchStarted) {
        pool.execute(() -> {
            MDC.put("workerId", identity.workerId());
            MDC.put("jobId", job.jobId());
            try {
                handle(job, result, batchSize, batchStarted);
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
        });
    }

    private void handle(PendingJob job, JobResult result, int batchSize, Instant batchStarted)
            throws InterruptedException, StoreUnavailableException, StoreConfigurationException {
        JobRequest request = job.request();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put(TimingKeys.QUEUE, millis(job.recordTime(), batchStarted));
        timings.putAll(result.timingsMs());
        Completion completion;
        if (!result.succeeded()) {
            completion = failed(job, result.error(), batchSize, timings, result.warnings());
        } else {
            try {
                List<ImageRef> images = storeImages(request, result, timings);
                timings.put(TimingKeys.TOTAL, millis(job.takenAt(), clock.instant()));
                completion = Completion.succeeded(request, images, identity.workerId(), batchSize, timings,
                        identity.model(), identity.runtime(), result.warnings(), clock.instant());
            } catch (StoreRejectedException e) {
                completion = failed(job, new ErrorInfo(STORE_REJECTED, e.getMessage()), batchSize, timings,
                        result.warnings());
            } catch (StoreUnavailableException | StoreConfigurationException | InterruptedException e) {
                throw e;
            } catch (StoreException e) {
                // Not found on a put: the bucket vanished under us; the operator must look (same as misconfigured).
                throw new WorkerFatalException("object store: " + e.getMessage(), e);
            }
        }
        inbox.finished(completions.finished(job, completion), true);
        metrics.jobFinished(completion.status());
        metrics.stage(TimingKeys.TOTAL, Duration.ofNanos((long) (timings.get(TimingKeys.TOTAL) * 1e6)));
        LOG.info("job {} {} images={} batch={} totalMs={}{}", job.jobId(), completion.status(),
                completion.images().size(), batchSize, Math.round(timings.getOrDefault(TimingKeys.TOTAL,
                        millis(job.takenAt(), clock.instant()))),
                completion.error() == null ? "" : " error=" + completion.error().code());
    }

    private List<ImageRef> storeImages(JobRequest request, JobResult result, Map<String, Double> timings)
            throws StoreException, InterruptedException {
        List<ImageRef> refs = new ArrayList<>();
        Duration png = Duration.ZERO;
        Duration upload = Duration.ZERO;
        for (GeneratedImage image : result.images()) {
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
        timings.put(TimingKeys.PNG, png.toNanos() / 1e6);
        timings.put(TimingKeys.UPLOAD, upload.toNanos() / 1e6);
        metrics.stage(TimingKeys.PNG, png);
        metrics.stage(TimingKeys.UPLOAD, upload);
        metrics.imagesProduced(refs.size());
        return refs;
    }

    private Completion failed(PendingJob job, ErrorInfo error, int batchSize, Map<String, Double> timings,
            List<String> warnings) {
        timings.put(TimingKeys.TOTAL, millis(job.takenAt(), clock.instant()));
        return Completion.failed(job.request(), error, identity.workerId(), batchSize, timings, identity.model(),
                identity.runtime(), warnings, clock.instant());
    }

    private static double millis(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e6);
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
