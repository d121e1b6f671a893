package io.sdfleet.worker;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>SIGTERM: the JVM runs shutdown hooks on SIGTERM; the hook asks the worker to drain, waits until
 * {@link #run} has decided the exit code, and ends the process itself with {@link Runtime#halt} and that code.
 * The hook must be the one that halts: if it merely returned once the main thread was done, the JVM would go
 * on shutting down and end with its own status after a signal (143) whenever it got there before the main
 * thread's {@code halt(0)} (4 of 18 clean stops did), and orchestrators read 143 as a failure.
 * ({@code System.exit} would block during a shutdown.)
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
    /** Extra time the shutdown hook waits for the exit code beyond the grace period before giving up. */
    static final long HOOK_SLACK_MILLIS = 10_000;

    /** Ends the process: halt when a shutdown hook is running (it halts with the same code), exit otherwise. */
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
        CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        Thread hook = null;
        int code = EXIT_FATAL;
        try (RunningWorker worker = RunningWorker.start(settings, pipelines, clients, Clock.systemUTC())) {
            hook = new Thread(() -> onSignal(worker, settings, exitCode), "sdfleet-shutdown");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (a signal came during the start): stop what started.
                hook = null;
                LOG.error("worker could not start: the process is already shutting down");
                code = EXIT_START;
                return code;
            }
            try {
                worker.awaitTermination();
                LOG.info("worker stopped cleanly");
                code = EXIT_OK;
            } catch (WorkerFatalException e) {
                LOG.error("worker failed: {}", e.getMessage(), e);
                code = EXIT_FATAL;
            }
            return code;
        } catch (WorkerStartException e) {
            LOG.error("{}", e.getMessage(), e.getCause());
            code = EXIT_START;
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = EXIT_FATAL;
            return code;
        } finally {
            // After the worker is closed (try-with-resources): a hook waiting for the code halts with it now.
            exitCode.complete(code);
            removeUnlessSignalled(hook);
        }
    }

    /** The SIGTERM path: drain, wait for run's exit code, and halt with it (see the class comment). */
    private static void onSignal(RunningWorker worker, WorkerSettings settings, CompletableFuture<Integer> exitCode) {
        SIGNALLED.set(true);
        LOG.info("SIGTERM: draining (grace {})", settings.shutdownGrace());
        worker.shutdown();
        int code;
        try {
            code = exitCode.get(settings.shutdownGrace().toMillis() + HOOK_SLACK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("the drain did not end within the grace period; exiting {}", EXIT_FATAL);
            code = EXIT_FATAL;
        } catch (ExecutionException e) {
            code = EXIT_FATAL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = EXIT_FATAL;
        }
        Runtime.getRuntime().halt(code);
    }

    /** A run that ended without a signal (tests, a fatal failure) leaves no hook behind in the JVM. */
    private static void removeUnlessSignalled(Thread hook) {
        if (hook == null || SIGNALLED.get()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs and halts with the code just decided
        }
    }
}
