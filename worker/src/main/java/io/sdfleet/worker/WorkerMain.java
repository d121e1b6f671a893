package io.sdfleet.worker;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.worker.consume.KafkaClientFactory;
import io.sdfleet.worker.consume.WorkerFatalException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker process: validate the environment, start the worker ({@link RunningWorker#start}: health and
 * metrics server, model load and warm-up, bucket, {@link Worker}, ready), and on SIGTERM drain within
 * {@code SDFLEET_SHUTDOWN_GRACE} and exit 0. What is here and not in {@link RunningWorker}: reading the
 * environment, the logging context, the shutdown hook and the exit codes.
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
        CountDownLatch finished = new CountDownLatch(1);
        try (RunningWorker worker = RunningWorker.start(settings, pipelines, clients, Clock.systemUTC())) {
            try {
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
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (a signal came during the start): stop what started.
                LOG.error("worker could not start: the process is already shutting down");
                return EXIT_START;
            }
            try {
                worker.awaitTermination();
                LOG.info("worker stopped cleanly");
                return EXIT_OK;
            } catch (WorkerFatalException e) {
                LOG.error("worker failed: {}", e.getMessage(), e);
                return EXIT_FATAL;
            }
        } catch (WorkerStartException e) {
            LOG.error("{}", e.getMessage(), e.getCause());
            return EXIT_START;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FATAL;
        } finally {
            finished.countDown();
        }
    }
}
