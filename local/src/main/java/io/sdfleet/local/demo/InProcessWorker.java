package io.sdfleet.local.demo;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.RunningWorker;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.WorkerStartException;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.lifecycle.WorkerState;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * One sdfleet worker inside the demo's JVM, started exactly as a worker pod starts
 * ({@link RunningWorker#start}: health and metrics server, model, warm-up, bucket, worker threads) from an
 * environment map ({@link WorkerSettings#fromEnv}). What this adds for the demo: its start failures as
 * {@link DemoStartException}s, and {@link #stop()} — the drain a SIGTERM starts in a pod — returning a worker
 * failure instead of an exit code, because the demo's JVM outlives the worker.
 *
 * <p>Threads: started and stopped from one thread; {@link #isRunning()} may be read from any. Failure:
 * {@link #start} leaves nothing running when it throws; a worker thread that fails later makes
 * {@link #isRunning()} false, and {@link #stop()} returns its failure.
 */
public final class InProcessWorker implements AutoCloseable {

    /** The host name a demo worker's id defaults to when the environment names none. */
    static final String DEMO_HOST = "sdfleet-demo";

    private final RunningWorker worker;

    private InProcessWorker(RunningWorker worker) {
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
            settings = WorkerSettings.fromEnv(env, () -> DEMO_HOST);
        } catch (ConfigException e) {
            throw new DemoStartException("the worker's settings are invalid: " + e.getMessage(), e);
        }
        try {
            return new InProcessWorker(RunningWorker.start(settings, pipelines, KafkaClientFactory.KAFKA,
                    Clock.systemUTC()));
        } catch (WorkerStartException e) {
            throw new DemoStartException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoStartException("interrupted while starting the worker", e);
        }
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
        return worker.modelName();
    }

    public String runtimeName() {
        return worker.runtimeName();
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics} on the settings' bind address. */
    public int httpPort() {
        return worker.httpPort();
    }

    /**
     * Drains and stops the worker (the SIGTERM path), then closes the pipeline, the store client and the
     * health server. Idempotent.
     *
     * @return the failure of a worker thread, if one failed while it ran (empty when already stopped)
     */
    public Optional<WorkerFatalException> stop() throws InterruptedException {
        worker.shutdown();
        try {
            worker.awaitTermination();
            return Optional.empty();
        } catch (WorkerFatalException e) {
            return Optional.of(e);
        } catch (InterruptedException e) {
            worker.close(); // closes the pipeline, the store and the health server even so; keeps the interrupt
            throw e;
        }
    }

    /** {@link #stop()}, ignoring a worker failure (already reported by whoever asked for it). */
    @Override
    public void close() {
        worker.close();
    }
}
