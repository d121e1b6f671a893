package io.sdfleet.worker;

import io.sdfleet.worker.device.DeviceFaultPolicy;
import io.sdfleet.worker.device.DeviceLoop;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.kafka.AtLeastOnceCommitter;
import io.sdfleet.worker.kafka.CommitCoordinator;
import io.sdfleet.worker.kafka.CompletionRecords;
import io.sdfleet.worker.kafka.DeadLetterRecords;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.input.InputStage;
import io.sdfleet.worker.kafka.LiveSessions;
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

    private final WorkerSettings settings;
    private final ShutdownController controller;
    private final PollLoop pollLoop;
    private final StoreStage storeStage;
    private final InputStage inputStage;
    private final FutureTask<Void> pollTask;
    private final FutureTask<Void> deviceTask;
    private final Thread pollThread;
    private final Thread deviceThread;

    private Worker(WorkerSettings settings, StableDiffusionPipeline pipeline, ImageStore store, WorkerMetrics metrics,
            KafkaClientFactory clients, Clock clock, Consumer<WorkerState> onStateChange) {
        this.settings = settings;
        this.controller = new ShutdownController(onStateChange);
        String workerId = settings.workerId();
        JobIdentity identity = new JobIdentity(workerId, pipeline.modelName(), pipeline.runtimeName());
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
        DeviceLoop device = new DeviceLoop(waiting, pipeline, storeStage::submit, inbox, live, controller, metrics, clock,
                settings.device(), faults, workerId);
        Duration closeTimeout = min(CLOSE_RESERVE, settings.shutdownGrace().dividedBy(4));
        PollSettings pollSettings = new PollSettings(settings.kafka().topicRequests(), settings.pollTimeout(),
                settings.maxPendingJobs(), settings.revokeTimeout(), closeTimeout, settings.commitMaxDelay());
        DeadLetterRecords deadLetters = new DeadLetterRecords(settings.kafka().topicDlq(), workerId,
                maxRequestSize(settings));
        RecordIntake intake = new RecordIntake(deadLetters, workerId, clock, settings.store().inputPrefix());
        this.inputStage = new InputStage(store, retrier, settings.input(), waiting, storeStage::submit, inbox, live,
                controller, metrics, clock, workerId);
        CommitCoordinator committer = null;
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
        } catch (RuntimeException | Error e) {
            // Nothing started yet: release what was made (the producer, the store pool) before failing.
            inputStage.close();
            closeAfterFailedStart(committer, storeStage, e);
            throw e;
        }
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
        Worker worker = new Worker(Objects.requireNonNull(settings), Objects.requireNonNull(pipeline),
                Objects.requireNonNull(store), Objects.requireNonNull(metrics), clients, clock, onStateChange);
        worker.pollThread.start();
        worker.deviceThread.start();
        LOG.info("worker {} started: group {}, topic {}, transactions {}", settings.workerId(),
                settings.kafka().workerGroup(), settings.kafka().topicRequests(), settings.transactions());
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

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
