package io.sdfleet.local.bench;

import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.local.LocalStack;
import io.sdfleet.worker.WorkerSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Fleet throughput on this machine with the real pipeline: jobs per second end to end (submit to completion
 * seen) for each worker count and batch size, latency percentiles, and the fleet's own overhead (PNG,
 * upload, completion event and Kafka) as a share of each job's time. Prints a Markdown report on stdout
 * (machine, settings, tables, definitions); progress goes to stderr.
 *
 * <p>One embedded stack (Kafka broker + S3 server, in this JVM) serves every configuration; each
 * configuration gets fresh topics, group and key prefix ({@link FleetRun}). Workers run in this JVM too, so
 * broker, S3 server, workers and the submitting client share the machine's cores: on a small machine two
 * workers compete with each other and with the stack for the CPU. ONNX Runtime threads per worker are set
 * per configuration ({@link BenchOptions#ortThreadsFor}) and printed in the table.
 *
 * <p>Run: {@code tools/bench.sh fleet [options]} ({@link BenchOptions#USAGE}), which starts it in the
 * {@code local} module's folder like every benchmark (the default model path is relative to it). Exit code 0 on success, 2 on bad options, 1 when a
 * configuration failed.
 */
public final class FleetBench {

    private FleetBench() {
    }

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        // The test class path also carries logback (through a test dependency), which would win and log
        // everything at DEBUG: the module's slf4j-simple configuration is the one a worker runs with.
        defaultProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        defaultProperty("ai.djl.offline", "true");
        defaultProperty("ai.djl.default_engine", "OnnxRuntime");
        defaultProperty("org.slf4j.simpleLogger.log.io.sdfleet", options.workerLog());
        int code;
        try {
            System.out.print(run(options, String.join(" ", args)));
            code = 0;
        } catch (Exception e) {
            System.err.println("fleetbench failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        // The MinIO client's OkHttp threads are not daemons and would keep the JVM alive for a minute.
        System.exit(code);
    }

    static String run(BenchOptions options, String argLine) throws Exception {
        MachineInfo before = MachineInfo.now();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<RunResult> results = new ArrayList<>();
        long began = System.nanoTime();
        try (LocalStack stack = LocalStack.start()) {
            System.err.printf("fleetbench: stack up in %d ms (%s)%n", stack.startupTime().toMillis(), stack);
            for (int workers : options.workers()) {
                for (int batch : options.batches()) {
                    FleetConfig config = new FleetConfig(workers, batch, options.ortThreadsFor(workers));
                    RunResult result = new FleetRun(stack, options, config).run();
                    System.err.printf("fleetbench [%s] %.2f jobs/s, p50 %.0f ms%n", config.label(),
                            result.jobsPerSecond(), Stats.median(result.loaded(), JobSample::latency));
                    if (result.failed() > 0) {
                        System.err.printf("fleetbench [%s] WARNING: %d jobs FAILED (see the failed column)%n",
                                config.label(), result.failed());
                    }
                    results.add(result);
                }
            }
        }
        double minutes = (System.nanoTime() - began) / 60e9;
        String after = MachineInfo.loadAverageNow();
        return header(options, argLine, before, after, started, minutes) + ResultTable.render(results);
    }

    private static String header(BenchOptions o, String argLine, MachineInfo m, String loadAfter, Instant date,
            double minutes) {
        return String.format("""
                # Fleet benchmark

                - date: %s (took %.1f min)
                - command: `tools/bench.sh fleet%s`
                - machine: %s, %d cores, %d MiB RAM; %s; %s; JVM max heap %d MiB
                - load average before: %s; after: %s
                - jobs: %s, %d steps, scheduler %s, guidance %.1f, 1 image each, distinct prompts and seeds;
                  %d rounds x M = %d jobs submitted at once per configuration, after one unmeasured warm-up
                  round of M jobs and %d idle-fleet jobs one at a time
                - stack: embedded Kafka (KRaft, 1 broker) and S3 (s3proxy, in memory), workers in-process
                  (Worker.start; pipeline from PipelineFactory.STABLE_DIFFUSION: the real StableDiffusionPipeline
                  on %s, ONNX Runtime CPU), all in one JVM
                - worker settings: SDFLEET_BATCH_MAX_IMAGES per row, everything else at its default
                  (transactions %s, batch max wait %d ms, max pending jobs %d, store threads %d);
                  requests/completions topics with %d partitions, keys = job ids
                - ONNX Runtime threads per worker (SDFLEET_ORT_INTRA_OP_THREADS = SDFLEET_ORT_INTER_OP_THREADS): %s

                """, date, minutes, argLine.isEmpty() ? "" : " " + argLine, m.cpu(), m.cores(), m.ramMiB(), m.os(),
                m.jvm(), m.maxHeapMiB(), m.loadAverage(), loadAfter, o.size(), o.steps(),
                JobRequestLimits.DEFAULT_SCHEDULER.name().toLowerCase(java.util.Locale.ROOT),
                JobRequestLimits.DEFAULT_GUIDANCE_SCALE, o.rounds(), o.jobs(), o.idleJobs(), o.model(), WorkerSettings.DEFAULT_TRANSACTIONS,
                io.sdfleet.worker.device.DeviceSettings.DEFAULT_BATCH_MAX_WAIT.toMillis(), WorkerSettings.DEFAULT_MAX_PENDING_JOBS,
                WorkerSettings.DEFAULT_STORE_THREADS, o.partitions(),
                o.ortThreads() == BenchOptions.AUTO_THREADS
                        ? "auto (1 worker: ONNX Runtime's default, all cores; n workers: cores / n)"
                        : Integer.toString(o.ortThreads()));
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
