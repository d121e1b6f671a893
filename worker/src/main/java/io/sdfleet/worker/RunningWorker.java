package io.sdfleet.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.pipeline.JobInput;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.lifecycle.WorkerState;
import io.sdfleet.worker.observe.HealthServer;
import io.sdfleet.worker.observe.HealthState;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.RuntimeCallFailure;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.S3ImageStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started worker with everything it owns: the health and metrics server, the pipeline (the model), the
 * image store client and the {@link Worker} threads. {@link #start} runs the whole start sequence a worker
 * pod runs; {@link WorkerMain} adds only the environment, the exit codes and the SIGTERM hook, and the local
 * demo starts and stops workers inside its own JVM with the same sequence.
 *
 * <p>Start sequence: health server (not ready: "loading model") → pipeline from the {@link PipelineFactory}
 * → one warm-up batch → the bucket ensured (retried while S3 is unavailable, up to the store retry
 * deadline) → {@link Worker#start}. {@code /readyz} turns ready when the poll loop reports
 * {@link WorkerState#RUNNING} (or PAUSED: busy is not broken) and not ready again when it drains or closes.
 *
 * <p>Warm-up policy (one for every caller): the warm-up is the pipeline's known-good probe
 * ({@link StableDiffusionPipeline#probe}: one step at the smallest size the model and its engines serve), the same
 * request the device fault policy uses as evidence that the device works. Any failure of it fails the start: the
 * runtime does not run the one request it must run.
 *
 * <p>Threads: {@link #start} and {@link #awaitTermination()} run on the controlling thread;
 * {@link #shutdown()} and {@link #state()} may be called from any thread (the SIGTERM hook calls
 * {@code shutdown}). Failure: {@code start} closes whatever it opened before it throws; a fatal failure of a
 * worker thread marks {@code /healthz} dead and is rethrown by {@link #awaitTermination()}. The pipeline, the
 * store and the health server are closed once the worker has stopped, or by {@link #close()}.
 */
public final class RunningWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningWorker.class);

    private final WorkerSettings settings;
    private final HealthState health;
    private final HealthServer server;
    private final StableDiffusionPipeline pipeline;
    private final S3ImageStore store;
    private final Worker worker;
    private boolean released;

    private RunningWorker(WorkerSettings settings, HealthState health, HealthServer server,
            StableDiffusionPipeline pipeline,
            S3ImageStore store, Worker worker) {
        this.settings = settings;
        this.health = health;
        this.server = server;
        this.pipeline = pipeline;
        this.store = store;
        this.worker = worker;
    }

    /**
     * Runs the start sequence; returns once the worker's threads run (the group is joined by the poll thread,
     * and {@code /readyz} turns ready when it has).
     *
     * @param clients the Kafka clients ({@link KafkaClientFactory#KAFKA} outside tests)
     * @param clock   the clock of batching and timings ({@link Clock#systemUTC()} outside tests)
     * @throws WorkerStartException what could not be set up; nothing is left running
     * @throws InterruptedException interrupted while ensuring the bucket; nothing is left running
     */
    public static RunningWorker start(WorkerSettings settings, PipelineFactory pipelines, KafkaClientFactory clients,
            Clock clock) throws WorkerStartException, InterruptedException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(pipelines, "pipelines");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(clock, "clock");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HealthState health = new HealthState();
        HealthServer server = null;
        StableDiffusionPipeline pipeline = null;
        S3ImageStore store = null;
        try {
            server = HealthServer.start(settings.observe(), health, registry);
            health.markNotReady("loading model");
            pipeline = pipelines.create(settings);
            String modelDigest = pipelines.modelDigest(settings);
            LOG.info("{}", pipeline.modesSummary());
            store = S3ImageStore.create(settings.store());
            warmUp(pipeline);
            // S3 call: unavailable is retried until the retry deadline; misconfigured (credentials, region,
            // bucket not there and not to be created) fails the start at once.
            S3ImageStore bucketOwner = store;
            Retrier.create(settings.storeRetry(), Retrier.RetryListener.NONE)
                    .run("ensure bucket " + store.bucket(), bucketOwner::ensureBucket);
            Worker worker = Worker.start(settings, pipeline, modelDigest, store, new WorkerMetrics(registry), clients,
                    clock, state -> onState(health, state));
            return new RunningWorker(settings, health, server, pipeline, store, worker);
        } catch (InterruptedException e) {
            closeAll(store, pipeline, server);
            throw e;
        } catch (Exception | LinkageError e) {
            // Model load (a runtime without its native libraries throws an Error), warm-up device fault, store
            // set-up, health port, Kafka client creation.
            health.markDead("start-up failed: " + e);
            closeAll(store, pipeline, server);
            throw new WorkerStartException("the worker could not start: " + e, e);
        }
    }

    /** The probe through every runtime call, so the first real job does not pay for JIT and allocation. */
    private static void warmUp(StableDiffusionPipeline pipeline) throws RuntimeCallFailure, WorkerStartException {
        JobInput input = pipeline.probe();
        JobRequest probe = input.request();
        List<JobResult> results = pipeline.generateFrom(List.of(input));
        if (!results.get(0).succeeded()) {
            throw new WorkerStartException("the warm-up (" + probe.width() + "x" + probe.height() + ", "
                    + probe.steps() + " step) cannot run on this model: " + results.get(0).error(), null);
        }
    }

    private static void onState(HealthState health, WorkerState state) {
        if (state.takesWork()) {
            health.markReady(); // PAUSED is busy, not broken
        } else {
            health.markNotReady(state.name().toLowerCase(Locale.ROOT));
        }
    }

    public WorkerSettings settings() {
        return settings;
    }

    public WorkerState state() {
        return worker.state();
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics} on the settings' bind address. */
    public int httpPort() {
        return server.port();
    }

    /** Name of the served model ({@code SDFLEET_MODEL_NAME}), as completions report it. */
    public String modelName() {
        return settings.modelName();
    }

    /** Identity of the runtime, as completions report it. */
    public String runtimeName() {
        return pipeline.runtimeName();
    }

    /**
     * Starts the drain a SIGTERM starts ({@link Worker#shutdown()}: stop taking work, finish, store and commit
     * the batch in flight, leave the group, within {@code SDFLEET_SHUTDOWN_GRACE}); returns at once. Idempotent.
     */
    public void shutdown() {
        worker.shutdown();
    }

    /**
     * Waits until the worker has stopped (after {@link #shutdown()} or a fatal failure), then closes the
     * pipeline, the store client and the health server.
     *
     * @throws WorkerFatalException a worker thread failed ({@code /healthz} was marked dead first)
     * @throws InterruptedException interrupted while waiting; the worker may still run and nothing is closed
     */
    public synchronized void awaitTermination() throws InterruptedException {
        if (released) {
            return;
        }
        try {
            worker.awaitTermination();
        } catch (WorkerFatalException e) {
            health.markDead(e.getMessage());
            release();
            throw e;
        }
        release();
    }

    /**
     * Shuts down (if not yet), waits, and closes everything. A worker failure is logged, not thrown (whoever
     * needs it calls {@link #awaitTermination()}); when interrupted, closes anyway and keeps the interrupt.
     */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        shutdown();
        try {
            awaitTermination();
        } catch (WorkerFatalException e) {
            LOG.debug("the worker had failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
        }
    }

    private void release() {
        if (!released) {
            released = true;
            closeAll(store, pipeline, server);
        }
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                // Best effort: the worker has stopped or its start failed; a close failure changes nothing.
                LOG.debug("closing {} failed", part, e);
            }
        }
    }
}
