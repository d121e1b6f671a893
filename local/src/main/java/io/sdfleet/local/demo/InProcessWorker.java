package io.sdfleet.local.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.ConfigException;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.Worker;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.consume.KafkaClientFactory;
import io.sdfleet.worker.consume.WorkerFatalException;
import io.sdfleet.worker.consume.WorkerState;
import io.sdfleet.worker.observe.HealthServer;
import io.sdfleet.worker.observe.HealthState;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.BatchPipeline;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.S3ImageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sdfleet worker inside the demo's JVM, started the way {@code WorkerMain} starts a worker pod: settings
 * from an environment map ({@link WorkerSettings#fromEnv}), the health and metrics server, the model through
 * a {@link PipelineFactory} (the real one: {@link PipelineFactory#STABLE_DIFFUSION}), one warm-up batch, the
 * bucket ensured, then {@link Worker#start}. What differs from {@code WorkerMain.run}: the caller stops it
 * with {@link #stop()} — the drain a SIGTERM starts in a
 * pod ({@link Worker#shutdown()}: finish the batch in flight, store, commit, leave the group) — instead of
 * a JVM signal, because the demo's JVM outlives the worker.
 *
 * <p>Threads: the worker's own (poll, device, store pool; see {@link Worker}); this object is started and
 * stopped from one thread, {@link #state()} may be read from any. Failure: {@link #start} cleans up what it
 * opened and throws {@link DemoStartException} saying what to fix; a worker thread that fails later makes
 * {@link #isRunning()} false, and {@link #stop()} returns its failure.
 */
public final class InProcessWorker implements AutoCloseable {

    private final WorkerSettings settings;
    private final HealthServer health;
    private final BatchPipeline pipeline;
    private final S3ImageStore store;
    private final Worker worker;
    private boolean stopped;

    private InProcessWorker(WorkerSettings settings, HealthServer health, BatchPipeline pipeline, S3ImageStore store,
            Worker worker) {
        this.settings = settings;
        this.health = health;
        this.pipeline = pipeline;
        this.store = store;
        this.worker = worker;
    }

    /**
     * Starts a worker; returns once it runs (it joins its group on its own thread).
     *
     * @throws DemoStartException the settings are invalid, or the model, the health port or the store
     *                            cannot be set up; nothing is left running
     */
    public static InProcessWorker start(Map<String, String> env, PipelineFactory pipelines) throws DemoStartException {
        WorkerSettings settings;
        try {
            settings = WorkerSettings.fromEnv(env, () -> "sdfleet-demo");
        } catch (ConfigException e) {
            throw new DemoStartException("the worker's settings are invalid: " + e.getMessage(), e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HealthState healthState = new HealthState();
        HealthServer health = null;
        BatchPipeline pipeline = null;
        S3ImageStore store = null;
        try {
            health = HealthServer.start(settings.observe(), healthState, registry);
            healthState.markNotReady("loading model");
            pipeline = pipelines.create(settings);
            store = S3ImageStore.create(settings.store());
            warmUp(pipeline);
            // S3 call: unavailable is retried until the retry deadline; anything else stops the start.
            S3ImageStore bucketOwner = store;
            Retrier.create(settings.storeRetry(), Retrier.RetryListener.NONE)
                    .run("ensure bucket " + store.bucket(), bucketOwner::ensureBucket);
            Worker worker = Worker.start(settings, pipeline, store, new WorkerMetrics(registry),
                    KafkaClientFactory.KAFKA, Clock.systemUTC(), state -> onState(healthState, state));
            return new InProcessWorker(settings, health, pipeline, store, worker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(store, pipeline, health);
            throw new DemoStartException("interrupted while starting the worker", e);
        } catch (Exception | LinkageError e) {
            // Model load (a runtime without its native libraries throws an Error), health port, store set-up.
            closeAll(store, pipeline, health);
            throw new DemoStartException("the worker did not start: " + e.getMessage(), e);
        }
    }

    /** One small batch through every runtime call, as a worker pod does before it reports ready. */
    private static void warmUp(BatchPipeline pipeline) throws Exception {
        JobRequest request = JobRequest.builder("warm-up").jobId("warm-up").seed(0L).steps(1).size(64, 64).build();
        List<JobResult> results = pipeline.run(List.of(request));
        if (!results.isEmpty() && !results.get(0).succeeded()) {
            throw new IllegalStateException("the warm-up image failed: " + results.get(0).error());
        }
    }

    private static void onState(HealthState health, WorkerState state) {
        if (state.takesWork()) {
            health.markReady();
        } else {
            health.markNotReady(state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    public WorkerSettings settings() {
        return settings;
    }

    public WorkerState state() {
        return worker.state();
    }

    /**
     * Whether the worker is starting or taking work. False once it drains, closes or has failed: a fatal
     * failure of one of its threads leaves it CLOSING until {@link #stop()} collects it.
     */
    public boolean isRunning() {
        WorkerState state = worker.state();
        return state == WorkerState.STARTING || state.takesWork();
    }

    /** Model and runtime identity, as completions report them. */
    public String modelName() {
        return pipeline.modelName();
    }

    public String runtimeName() {
        return pipeline.runtimeName();
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics} on the settings' bind address. */
    public int httpPort() {
        return health.port();
    }

    /** How long a stop may take: the drain grace plus closing the clients. */
    public Duration stopBound() {
        return settings.shutdownGrace().plusSeconds(10);
    }

    /**
     * Drains and stops the worker (the SIGTERM path), then closes the pipeline, the store client and the
     * health server. Idempotent.
     *
     * @return the failure of a worker thread, if one failed while it ran
     */
    public Optional<WorkerFatalException> stop() throws InterruptedException {
        if (stopped) {
            return Optional.empty();
        }
        stopped = true;
        try {
            worker.shutdown();
            worker.awaitTermination();
            return Optional.empty();
        } catch (WorkerFatalException e) {
            return Optional.of(e);
        } finally {
            closeAll(store, pipeline, health);
        }
    }

    /** {@link #stop()}, ignoring a worker failure (already reported by whoever asked for it). */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                // closing is best effort at this point; the process is ending or the start already failed
            }
        }
    }
}
