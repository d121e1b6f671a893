package io.sdfleet.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.ConfigException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker process: validate the environment, start the health/metrics server, load the model and run
 * one warm-up batch, make sure the bucket exists, start the {@link Worker}, mark ready, and on SIGTERM
 * drain within {@code SDFLEET_SHUTDOWN_GRACE} and exit 0.
 *
 * <p>Exit codes: {@value #EXIT_OK} clean stop; {@value #EXIT_FATAL} a worker thread failed (fatal device
 * fault, misconfigured store, Kafka authorization...): the orchestrator restarts the pod and the
 * uncommitted jobs are redelivered; {@value #EXIT_CONFIG} bad configuration (one message per bad
 * variable); {@value #EXIT_START} the model, the store or the health port could not be set up.
 *
 * <p>SIGTERM: the JVM runs shutdown hooks on SIGTERM; the hook asks the worker to drain and waits for the
 * main thread to finish, which then ends the process with {@link Runtime#halt} and its exit code
 * ({@code System.exit} would block during a shutdown, and the JVM's own status after a signal is 143).
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
    public static final int EXIT_OK = 0;
    public static final int EXIT_FATAL = 1;
    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_START = 3;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        exit(run(System.getenv(), PipelineFactory.STABLE_DIFFUSION, KafkaClientFactory.KAFKA));
    }

    private static final AtomicBoolean SIGNALLED = new AtomicBoolean();

    /** Ends the process: halt when a shutdown hook is waiting for us, exit otherwise. */
    public static void exit(int code) {
        if (SIGNALLED.get()) {
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /**
     * Runs a worker process until it is stopped (SIGTERM) or fails.
     *
     * @return the exit code
     */
    public static int run(Map<String, String> env, PipelineFactory pipelines, KafkaClientFactory clients) {
        WorkerSettings settings;
        try {
            settings = WorkerSettings.fromEnv(env, HostName::get);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return EXIT_CONFIG;
        }
        MDC.put("workerId", settings.workerId());
        settings.unknownKeys().forEach(k -> LOG.warn("unknown setting {} ignored (misspelt?)", k));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        HealthState health = new HealthState();
        CountDownLatch finished = new CountDownLatch(1);
        try (HealthServer server = HealthServer.start(settings.observe(), health, registry)) {
            LOG.info("health and metrics on port {}", server.port());
            health.markNotReady("loading model");
            try (BatchPipeline pipeline = pipelines.create(settings);
                 S3ImageStore store = S3ImageStore.create(settings.store())) {
                warmUp(pipeline);
                // S3 call: unavailable → retried until the retry deadline; misconfigured → exit EXIT_START.
                Retrier.create(settings.storeRetry(), Retrier.RetryListener.NONE)
                        .run("ensure bucket " + store.bucket(), store::ensureBucket);
                Worker worker = Worker.start(settings, pipeline, store, metrics, clients, Clock.systemUTC(),
                        state -> onState(health, state));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    SIGNALLED.set(true);
                    LOG.info("SIGTERM: draining (grace {})", settings.shutdownGrace());
                    worker.shutdown();
                    try {
                        finished.await(settings.shutdownGrace().toMillis() + 10_000, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "sdfleet-shutdown"));
                try {
                    worker.awaitTermination();
                    LOG.info("worker stopped cleanly");
                    return EXIT_OK;
                } catch (WorkerFatalException e) {
                    health.markDead(e.getMessage());
                    LOG.error("worker failed: {}", e.getMessage(), e);
                    return EXIT_FATAL;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FATAL;
        } catch (Exception | LinkageError e) {
            // Model load (TensorRT without its libraries throws an Error), store set-up, health port.
            health.markDead("start-up failed: " + e);
            LOG.error("worker could not start: {}", e.toString(), e);
            return EXIT_START;
        } finally {
            finished.countDown();
        }
    }

    private static void onState(HealthState health, WorkerState state) {
        switch (state) {
            case RUNNING -> health.markReady();
            case PAUSED -> health.markReady(); // paused is busy, not broken
            default -> health.markNotReady(state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** One small batch through every runtime call, so the first real batch does not pay for JIT and allocation. */
    static void warmUp(BatchPipeline pipeline) throws Exception {
        JobRequest request = JobRequest.builder("warm-up").jobId("warm-up").seed(0L).steps(1).size(64, 64).build();
        List<JobResult> results = pipeline.run(List.of(request));
        if (!results.isEmpty() && !results.get(0).succeeded()) {
            LOG.warn("warm-up batch failed for its own reasons: {}", results.get(0).error());
        }
    }
}
