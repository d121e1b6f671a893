package io.sdfleet.worker.input;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.common.Stage;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.image.InputImageDecoder;
import io.sdfleet.worker.image.InputImageException;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.kafka.LiveSessions;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.JobPictures;
import io.sdfleet.worker.pipeline.JobTimings;
import io.sdfleet.worker.store.ImageStore;
import io.sdfleet.worker.store.JobOutcome;
import io.sdfleet.worker.store.ObjectNotFoundException;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.StoreConfigurationException;
import io.sdfleet.worker.store.StoreException;
import io.sdfleet.worker.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Prepares the pictures of img2img and inpainting jobs on its own threads ({@code sdfleet-input-N}), then hands
 * each job to the device's {@link WaitingJobs}. Per picture: read the object (at most
 * {@link InputSettings#maxBytes()} + 1 bytes), check its sha256 against the request, decode it within the
 * limits (on the header, before any pixel), check that a mask has the picture's size, and fit both to the job's
 * size as diffusers' image processors do ({@link JobPictures#fitted}).
 *
 * <p>Outcomes, each job exactly one: ready (to the device); FAILED with {@link ErrorCode#INIT_IMAGE_NOT_FOUND},
 * {@link ErrorCode#INIT_IMAGE_MISMATCH} or {@link ErrorCode#INIT_IMAGE_INVALID} (through the store stage, which
 * builds every completion); the store unreachable past the {@link Retrier}'s deadline: handed back for
 * redelivery, never marked done; the worker draining or the partition gone: handed back (its record is consumed
 * again by whoever owns the partition). Wrong credentials or bucket: fatal, as in the store stage.
 *
 * <p>Why the mask must have the picture's exact size: diffusers resizes both to the job's size independently,
 * so a mask of another aspect ratio would silently cover another region than its author drew.
 */
public final class InputStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InputStage.class);

    private final ImageStore store;
    private final Retrier retrier;
    private final InputSettings settings;
    private final WaitingJobs waiting;
    private final Consumer<JobOutcome> outcomes;
    private final WorkInbox inbox;
    private final LiveSessions live;
    private final ShutdownController controller;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String workerId;
    private final ExecutorService pool;

    public InputStage(ImageStore store, Retrier retrier, InputSettings settings, WaitingJobs waiting,
            Consumer<JobOutcome> outcomes, WorkInbox inbox, LiveSessions live, ShutdownController controller,
            WorkerMetrics metrics, Clock clock, String workerId) {
        this.store = store;
        this.retrier = retrier;
        this.settings = settings;
        this.waiting = waiting;
        this.outcomes = outcomes;
        this.inbox = inbox;
        this.live = live;
        this.controller = controller;
        this.metrics = metrics;
        this.clock = clock;
        this.workerId = workerId;
        AtomicInteger n = new AtomicInteger();
        // Unbounded queue: the poll loop bounds the jobs in the worker (SDFLEET_MAX_PENDING_JOBS).
        this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sdfleet-input-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Queues a job that names pictures; returns at once. Called by the poll thread. */
    public void submit(PendingJob job) {
        try {
            pool.execute(() -> handleLogged(job));
        } catch (RejectedExecutionException e) {
            handBack(job);
        }
    }

    /**
     * The job goes back to be consumed again. It is counted in flight first, as the device counts the jobs it
     * takes, because a hand-back ends a job in flight; a job that becomes ready is counted by the device instead.
     */
    private void handBack(PendingJob job) {
        inbox.started(1);
        inbox.redeliver(List.of(job));
    }

    private void fail(PendingJob job, ErrorInfo error, Duration took) {
        LOG.info("job {} cannot start from its pictures: {} {}", job.jobId(), error.code(), error.message());
        JobTimings timings = JobTimings.NONE.with(Stage.QUEUE, Duration.between(job.recordTime(), clock.instant()))
                .with(Stage.INPUT, took);
        inbox.started(1);
        outcomes.accept(JobOutcome.failed(job, error, List.of(), timings, 0));
    }

    private void handleLogged(PendingJob job) {
        MDC.put("workerId", workerId);
        MDC.put("jobId", job.jobId());
        try {
            if (!live.isLive(job) || !controller.state().takesWork()) {
                handBack(job); // revoked, rewound or draining: the record is consumed again
                return;
            }
            long start = System.nanoTime();
            Prepared prepared = prepare(job.request());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.stage(Stage.INPUT, took);
            if (prepared.error() != null) {
                fail(job, prepared.error(), took);
            } else if (!controller.state().takesWork()) {
                handBack(job); // drain began meanwhile: its waiting jobs were already left for redelivery
            } else {
                waiting.add(job.withPictures(prepared.pictures(), took));
            }
        } catch (InterruptedException e) {
            handBack(job);
            Thread.currentThread().interrupt();
        } catch (StoreUnavailableException e) {
            LOG.warn("object store unavailable for the pictures of {} after retrying ({}); it will be delivered"
                    + " again", job, e.toString());
            handBack(job);
        } catch (StoreConfigurationException e) {
            controller.fail(new WorkerFatalException("object store misconfigured: " + e.getMessage(), e));
        } catch (StoreException e) {
            // Neither missing, unavailable nor misconfigured (a refused read): the operator must look.
            controller.fail(new WorkerFatalException("object store refused a read for " + job + ": " + e, e));
        } catch (RuntimeException | Error e) {
            controller.fail(new WorkerFatalException("input stage failed on " + job + ": " + e, e));
        } finally {
            MDC.remove("jobId");
        }
    }

    /** Either the fitted pictures or why the job cannot use them. */
    record Prepared(JobPictures pictures, ErrorInfo error) {
    }

    /** Fetches, checks, decodes and fits the request's pictures (see the class comment). */
    Prepared prepare(JobRequest request) throws StoreException, InterruptedException {
        Picture init = read(request.initImage(), "initImage");
        if (init.error() != null) {
            return new Prepared(null, init.error());
        }
        Picture mask = null;
        if (request.maskImage() != null) {
            mask = read(request.maskImage(), "maskImage");
            if (mask.error() != null) {
                return new Prepared(null, mask.error());
            }
            if (mask.image().width() != init.image().width() || mask.image().height() != init.image().height()) {
                return new Prepared(null, ErrorCode.INIT_IMAGE_INVALID.error("maskImage " + request.maskImage().key()
                        + " is " + mask.image().width() + "x" + mask.image().height() + ", initImage "
                        + request.initImage().key() + " is " + init.image().width() + "x" + init.image().height()
                        + ": the mask must have the picture's size"));
            }
        }
        return new Prepared(JobPictures.fitted(init.image(), mask == null ? null : mask.image(), request.width(),
                request.height()), null);
    }

    private record Picture(RgbImage image, ErrorInfo error) {
    }

    private Picture read(ObjectReference ref, String field) throws StoreException, InterruptedException {
        String what = field + " " + ref.key();
        byte[] bytes;
        try {
            bytes = retrier.call("get " + ref.key(), () -> store.get(ref.key(), settings.maxBytes()));
        } catch (ObjectNotFoundException e) {
            return new Picture(null, ErrorCode.INIT_IMAGE_NOT_FOUND.error(what + " does not exist in bucket "
                    + store.bucket()));
        }
        if (bytes.length > settings.maxBytes()) {
            return new Picture(null, ErrorCode.INIT_IMAGE_INVALID.error(what + " is larger than "
                    + settings.maxBytes() + " bytes (" + InputSettings.MAX_BYTES.name() + ")"));
        }
        String actual = ObjectReference.sha256Hex(bytes);
        if (!actual.equals(ref.sha256())) {
            return new Picture(null, ErrorCode.INIT_IMAGE_MISMATCH.error(what + " has sha256 " + actual
                    + ", the request names " + ref.sha256()));
        }
        try {
            return new Picture(InputImageDecoder.decode(bytes, settings.limits(), what), null);
        } catch (InputImageException e) {
            return new Picture(null, ErrorCode.INIT_IMAGE_INVALID.error(e.getMessage()));
        }
    }

    /** Stops taking jobs and waits up to {@code timeout} for those in progress (the rest are redelivered). */
    public void shutdown(Duration timeout) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
