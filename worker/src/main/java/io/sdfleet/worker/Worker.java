package io.sdfleet.worker;

import io.sdfleet.worker.device.DeviceFaultPolicy;
import io.sdfleet.worker.device.DeviceLoop;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.fleet.FleetAnnouncer;
import io.sdfleet.worker.fleet.ProgressPublisher;
import io.sdfleet.worker.observe.JobProgress;
import io.sdfleet.worker.fleet.ServedModel;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.kafka.AtLeastOnceCommitter;
import io.sdfleet.worker.kafka.CommitCoordinator;
import io.sdfleet.worker.kafka.CompletionRecords;
import io.sdfleet.worker.kafka.DeadLetterRecords;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.input.InputStage;
import io.sdfleet.worker.kafka.LiveSessions;
import io.sdfleet.worker.kafka.ModelCheck;
import io.sdfleet.worker.kafka.PollLoop;
import io.sdfleet.worker.kafka.PollSettings;
import io.sdfleet.worker.kafka.RecordIntake;
import io.sdfleet.worker.kafka.TransactionalCommitter;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.lifecycle.WorkerState;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.store.ImageStore;
import io.sdfleet.worker.store.JobCompletions;
import io.sdfleet.worker.store.JobIdentity;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.StoreStage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a poll loop ({@code sdfleet-poll}), a device thread ({@code sdfleet-device}: {@link DeviceLoop})
 * and a store pool ({@code sdfleet-store-N}) around a {@link StableDiffusionPipeline} and an {@link ImageStore},
 * as DESIGN's "How the pieces fit" draws them. The pipeline and the store are the caller's (it loads the model and
 * closes both); the Kafka clients are made here through the injected {@link KafkaClientFactory}.
 *
 * <p>Supervision: the poll and device threads run as {@link FutureTask}s; a thread that fails records its
 * exception in the {@link ShutdownController} (which stops the others) and
 * {@link #awaitTermination()} rethrows it on the controlling thread as a {@link WorkerFatalException}.
 * {@link #shutdown()} is the SIGTERM path: stop taking work, finish the batch in flight, store, commit,
 * close the producer, leave the group, all within {@code SDFLEET_SHUTDOWN_GRACE}; jobs not finished by
 * then are not committed and are delivered again.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** Pause after a non-fatal device fault before the same work is tried again. */
    static final Duration DEVICE_FAULT_PAUSE = Duration.ofSeconds(1);
    /** Part of the grace period kept for the final commit and closing the clients (at most). */
    static final Duration CLOSE_RESERVE = Duration.ofSeconds(5);
    /** Bound of each step of leaving the catalog and closing the plain producer. */
    static final Duration FLEET_CLOSE = Duration.ofSeconds(1);

    private final WorkerSettings settings;
    private final ShutdownController controller;
    private final PollLoop pollLoop;
    private final StoreStage storeStage;
    private final InputStage inputStage;
    private final FutureTask<Void> pollTask;
    private final FutureTask<Void> deviceTask;
    private final Thread pollThread;
    private final Thread deviceThread;
    /** Best-effort records (catalog, progress): the worker's plain producer, closed last. */
    private final org.apache.kafka.clients.producer.Producer<byte[], byte[]> plain;
    private final FleetAnnouncer announcer;
    /** The announcer once made; read by the state listener, which may run before the constructor ends. */
    private volatile FleetAnnouncer announcerRef;
    /** Job progress: the intake and device report here; forwards to the publisher once it is made. */
    private final ForwardingProgress progress = new ForwardingProgress();
    private final ProgressPublisher publisher;
    private final java.util.concurrent.atomic.AtomicBoolean leftFleet = new java.util.concurrent.atomic.AtomicBoolean();

    private Worker(WorkerSettings settings, StableDiffusionPipeline pipeline, String modelDigest, ImageStore store,
            WorkerMetrics metrics, KafkaClientFactory clients, Clock clock, Consumer<WorkerState> onStateChange) {
        this.settings = settings;
        this.controller = new ShutdownController(state -> {
            onStateChange.accept(state);
            FleetAnnouncer a = this.announcerRef;
            if (a != null) {
                a.stateChanged();
            }
        });
        String workerId = settings.workerId();
        // The served model's name (SDFLEET_MODEL_NAME), not the pipeline's: the name requests are routed and checked by.
        JobIdentity identity = new JobIdentity(workerId, settings.modelName(), pipeline.runtimeName(), modelDigest);
        WorkInbox inbox = new WorkInbox();
        LiveSessions live = new LiveSessions();
        WaitingJobs waiting = new WaitingJobs(settings.device().batchMaxWait(), clock);
        CompletionRecords completions = new CompletionRecords(settings.kafka().topicCompletions());
        Retrier retrier = Retrier.create(settings.storeRetry(), (operation, attempt, failure, nextDelay) -> {
            metrics.storeRetry();
            LOG.warn("{} failed (attempt {}: {}); retrying in {} ms", operation, attempt, failure.getMessage(),
                    nextDelay.toMillis());
        });
        this.storeStage = new StoreStage(store, retrier, settings.store().prefix(), new PngEncoder(), completions,
                identity, inbox, controller, metrics, clock, settings.storeThreads());
        DeviceFaultPolicy faults = new DeviceFaultPolicy(settings.device().maxConsecutiveDeviceFaults(),
                DeviceLoop.probeOf(pipeline), DEVICE_FAULT_PAUSE);
        Duration closeTimeout = min(CLOSE_RESERVE, settings.shutdownGrace().dividedBy(4));
        PollSettings pollSettings = new PollSettings(settings.requestsTopic(), settings.pollTimeout(),
                settings.maxPendingJobs(), settings.revokeTimeout(), closeTimeout, settings.commitMaxDelay());
        DeadLetterRecords deadLetters = new DeadLetterRecords(settings.kafka().topicDlq(), workerId,
                maxRequestSize(settings));
        JobCompletions refusals = new JobCompletions(identity);
        ModelCheck models = new ModelCheck(settings.modelName(),
                (job, error) -> completions.finished(job, refusals.refused(job.request(), error, clock.instant())));
        RecordIntake intake = new RecordIntake(deadLetters, workerId, clock, settings.store().inputPrefix(), models,
                progress);
        this.inputStage = new InputStage(store, retrier, settings.input(), waiting, storeStage::submit, inbox, live,
                controller, metrics, clock, workerId);
        CommitCoordinator committer = null;
        org.apache.kafka.clients.producer.Producer<byte[], byte[]> plainProducer = null;
        try {
            committer = settings.transactions()
                    ? new TransactionalCommitter(() -> clients.producer(settings.producerConfig()), deadLetters)
                    : new AtLeastOnceCommitter(clients.producer(settings.producerConfig()),
                            Duration.ofMillis(defaultApiTimeout(settings)), deadLetters);
            if (committer instanceof TransactionalCommitter tx) {
                tx.start(); // initTransactions now: fences a predecessor with this id before any record is read
            }
            committer.requireTopics(List.of(settings.kafka().topicCompletions(), settings.kafka().topicDlq()));
            this.pollLoop = new PollLoop(clients.consumer(settings.consumerConfig()), committer, waiting,
                    inputStage::submit, intake,
                    inbox, live, controller, metrics, pollSettings, workerId);
            plainProducer = clients.producer(settings.plainProducerConfig());
        } catch (RuntimeException | Error e) {
            // Nothing started yet: release what was made (the producers, the store pool) before failing.
            inputStage.close();
            closeAfterFailedStart(committer, storeStage, e);
            if (plainProducer != null) {
                plainProducer.close(Duration.ZERO);
            }
            throw e;
        }
        this.plain = plainProducer;
        this.announcer = new FleetAnnouncer(plain, settings.kafka().topicFleet(),
                ServedModel.describe(workerId, settings.modelName(), modelDigest, settings.requestsTopic(),
                        settings.workerGroup(), settings.fleet().heartbeat(), pipeline, controller.state().name(),
                        clock.instant()),
                () -> controller.state().name(), settings.fleet().heartbeat(), clock);
        this.announcerRef = announcer;
        this.publisher = settings.fleet().progress() ? new ProgressPublisher(plain, settings.kafka().topicProgress(),
                workerId, settings.fleet().progressMinInterval(), clock) : null;
        if (publisher != null) {
            progress.to(publisher);
        }
        DeviceLoop device = new DeviceLoop(waiting, pipeline, storeStage::submit, inbox, live, controller, metrics, clock,
                settings.device(), faults, workerId, progress);
        metrics.state(WorkerState.class, controller::state);
        metrics.inFlight(pollLoop::awaiting);
        metrics.consumerLag(pollLoop::lag);
        metrics.deviceBusy(pipeline::busyNanos);
        metrics.jobsOnDevice(device::jobsOnDevice);
        this.pollTask = supervised(pollLoop);
        this.deviceTask = supervised(device);
        this.pollThread = new Thread(pollTask, "sdfleet-poll");
        this.deviceThread = new Thread(deviceTask, "sdfleet-device");
        deviceThread.setDaemon(true); // a native call that ignores interrupts must not keep the JVM alive
    }

    /**
     * Creates the clients and starts the threads. Returns at once; the group is joined by the poll thread.
     * Before any thread starts it checks that the completions and DLQ topics exist; on any failure here the
     * producer and the store pool made so far are closed before the exception leaves.
     *
     * @throws WorkerFatalException a missing completions or DLQ topic (named), or a Kafka start-up failure
     * @param onStateChange told of every {@link WorkerState} change (e.g. to mark the health state)
     */
    public static Worker start(WorkerSettings settings, StableDiffusionPipeline pipeline, ImageStore store,
            WorkerMetrics metrics, KafkaClientFactory clients, Clock clock, Consumer<WorkerState> onStateChange) {
        return start(settings, pipeline, null, store, metrics, clients, clock, onStateChange);
    }

    /**
     * As {@link #start(WorkerSettings, StableDiffusionPipeline, ImageStore, WorkerMetrics, KafkaClientFactory, Clock,
     * Consumer)}, with the digest of the model folder the pipeline was loaded from
     * ({@link io.sdfleet.worker.model.ModelDigest}; null when unknown), reported in completions and the catalog.
     */
    public static Worker start(WorkerSettings settings, StableDiffusionPipeline pipeline, String modelDigest,
            ImageStore store, WorkerMetrics metrics, KafkaClientFactory clients, Clock clock,
            Consumer<WorkerState> onStateChange) {
        Worker worker = new Worker(Objects.requireNonNull(settings), Objects.requireNonNull(pipeline), modelDigest,
                Objects.requireNonNull(store), Objects.requireNonNull(metrics), clients, clock, onStateChange);
        worker.pollThread.start();
        worker.deviceThread.start();
        worker.announcer.start();
        LOG.info("worker {} started: model {} ({}), group {}, topic {}, transactions {}", settings.workerId(),
                settings.modelName(), modelDigest, settings.workerGroup(), settings.requestsTopic(),
                settings.transactions());
        return worker;
    }

    private FutureTask<Void> supervised(Runnable body) {
        return new FutureTask<>(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                controller.fail(t);
                throw t;
            }
            return null;
        });
    }

    public WorkerState state() {
        return controller.state();
    }

    /** Revocations from rebalances so far (not counting the worker's own leaving). */
    public int revocations() {
        return pollLoop.rebalances().revocations();
    }

    /** Starts a graceful shutdown with {@code SDFLEET_SHUTDOWN_GRACE}; returns at once. Idempotent. */
    public void shutdown() {
        controller.requestDrain(settings.shutdownGrace());
    }

    /**
     * Waits until the worker has stopped (after {@link #shutdown()} or a fatal failure), then stops the
     * store pool and the device thread.
     *
     * @throws WorkerFatalException the first failure of any of the worker's threads
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitTermination() throws InterruptedException {
        waitFor(pollTask, Long.MAX_VALUE);
        // The poll loop waited for the jobs in flight (or the grace period ran out): stop the rest.
        // Device first: it admits nothing once the worker is draining; a job it is still on hands its result to
        // the store pool, which must still accept it (StoreStage drops it quietly if it is shut).
        inputStage.close(); // what it still holds is not committed: delivered again
        deviceThread.interrupt();
        waitFor(deviceTask, TimeUnit.SECONDS.toMillis(1));
        long left = Math.max(0, controller.drainNanosLeft());
        storeStage.shutdown(Duration.ofNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1))));
        controller.closed();
        Throwable failure = controller.failure();
        if (leftFleet.compareAndSet(false, true)) {
            // A clean stop leaves the catalog at once (tombstone); a failed worker's entry goes stale.
            // Bounded to a few seconds in all: the best-effort records must not eat the shutdown grace.
            announcer.leave(failure == null, FLEET_CLOSE);
            if (publisher != null) {
                publisher.close(FLEET_CLOSE);
            }
            plain.close(FLEET_CLOSE);
        }
        if (failure != null) {
            throw failure instanceof WorkerFatalException f ? f
                    : new WorkerFatalException("worker thread failed: " + failure, failure);
        }
    }

    private static void waitFor(FutureTask<Void> task, long millis) throws InterruptedException {
        try {
            task.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            // recorded in the controller by supervised(); rethrown by awaitTermination
        } catch (TimeoutException e) {
            LOG.warn("a worker thread did not stop in time; it is a daemon and does not keep the process alive");
        }
    }

    /** Shuts down (if not yet) and waits. */
    @Override
    public void close() {
        shutdown();
        try {
            awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WorkerFatalException e) {
            LOG.debug("worker had failed", e);
        }
    }

    private static long defaultApiTimeout(WorkerSettings settings) {
        Object v = settings.kafka().clientOverrides().get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        return v == null ? 60_000 : Long.parseLong(v.toString().strip());
    }

    private static void closeAfterFailedStart(CommitCoordinator committer, StoreStage storeStage, Throwable failure) {
        try {
            if (committer != null) {
                committer.close(Duration.ZERO);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            storeStage.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The producer's effective max.request.size (the DLQ record cap is derived from it). */
    static int maxRequestSize(WorkerSettings settings) {
        Object v = settings.producerConfig().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? DeadLetterRecords.DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(v.toString().strip());
    }

    /**
     * The intake and the device are made before the plain producer (whose creation must follow the consumer's, so a
     * failed start closes what it made in order); they report progress here, which forwards once the publisher exists.
     */
    private static final class ForwardingProgress implements JobProgress {
        private volatile JobProgress target = JobProgress.NONE;

        void to(JobProgress t) {
            target = t;
        }

        @Override
        public void queued(String jobId, int totalSteps) {
            target.queued(jobId, totalSteps);
        }

        @Override
        public void started(String jobId, int totalSteps, int batchJobs, int position) {
            target.started(jobId, totalSteps, batchJobs, position);
        }

        @Override
        public void stepped(String jobId, int step, int totalSteps) {
            target.stepped(jobId, step, totalSteps);
        }

        @Override
        public void decoding(String jobId, int totalSteps) {
            target.decoding(jobId, totalSteps);
        }

        @Override
        public void storing(String jobId, int totalSteps) {
            target.storing(jobId, totalSteps);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
