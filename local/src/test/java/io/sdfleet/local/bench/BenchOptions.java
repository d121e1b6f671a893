package io.sdfleet.local.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options of {@link FleetBench}, with their defaults. Every job of a run has the same size,
 * steps and scheduler, so the workers can batch them.
 *
 * @param width       image width in pixels (multiple of 8); default {@value #DEFAULT_WIDTH}
 * @param height      image height in pixels (multiple of 8); default {@value #DEFAULT_HEIGHT}
 * @param steps       denoising steps per job; default {@value #DEFAULT_STEPS}
 * @param jobs        jobs submitted at once per round (M); default {@value #DEFAULT_JOBS}
 * @param rounds      measured rounds per configuration (each M jobs at once, the next after the last
 *                    completion of the previous); default {@value #DEFAULT_ROUNDS}
 * @param workers     worker counts to run; default 1 and 2
 * @param batches     SDFLEET_BATCH_MAX_IMAGES values to run; default 1, 4, 8
 * @param ortThreads  ONNX Runtime intra-op threads per worker; {@value #AUTO_THREADS} = auto (ONNX
 *                    Runtime's own choice, all cores, for one worker; cores / workers for more)
 * @param idleJobs    jobs run one at a time on the idle fleet after the warm-up (unloaded latency);
 *                    default {@value #DEFAULT_IDLE_JOBS}
 * @param partitions  partitions of the requests and completions topics; default {@value #DEFAULT_PARTITIONS}
 * @param model       model folder; default {@value #DEFAULT_MODEL}
 * @param workerLog   log level of the workers' own loggers (io.sdfleet) during the run; default
 *                    {@value #DEFAULT_WORKER_LOG} (a worker in production logs one INFO line per job)
 */
record BenchOptions(int width, int height, int steps, int jobs, int rounds, List<Integer> workers, List<Integer> batches,
                    int ortThreads, int idleJobs, int partitions, Path model, String workerLog) {

    static final int DEFAULT_WIDTH = 64;
    static final int DEFAULT_HEIGHT = 64;
    static final int DEFAULT_STEPS = 4;
    static final int DEFAULT_JOBS = 48;
    static final int DEFAULT_ROUNDS = 3;
    static final int AUTO_THREADS = -1;
    static final int DEFAULT_IDLE_JOBS = 5;
    static final int DEFAULT_PARTITIONS = 4;
    static final String DEFAULT_MODEL = "../models/tiny-sd";
    static final String DEFAULT_WORKER_LOG = "warn";

    static final String USAGE = """
            FleetBench: fleet throughput and latency on the embedded stack with the real pipeline.
            Options (defaults in brackets):
              --size WxH          image size [64x64]
              --steps N           denoising steps per job [4]
              --jobs M            jobs submitted at once per round [48]
              --rounds R          measured rounds per configuration [3]
              --workers LIST      worker counts, comma-separated [1,2]
              --batches LIST      SDFLEET_BATCH_MAX_IMAGES values, comma-separated [1,4,8]
              --ort-threads N     ONNX Runtime intra-op threads per worker; auto = all cores for one
                                  worker, cores/workers for more [auto]
              --idle-jobs N       jobs run one at a time on the idle fleet (unloaded latency) [5]
              --partitions N      partitions of the per-configuration topics [4]
              --model DIR         model folder, relative to the working folder [../models/tiny-sd]
              --worker-log LEVEL  log level of io.sdfleet loggers during the run [warn]
            """;

    BenchOptions {
        workers = List.copyOf(workers);
        batches = List.copyOf(batches);
        List<String> problems = new ArrayList<>();
        if (width < 8 || width % 8 != 0 || height < 8 || height % 8 != 0) {
            problems.add("--size must be multiples of 8, was " + width + "x" + height);
        }
        if (steps < 1) {
            problems.add("--steps must be >= 1");
        }
        if (jobs < 1) {
            problems.add("--jobs must be >= 1");
        }
        if (rounds < 1) {
            problems.add("--rounds must be >= 1");
        }
        if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 1)) {
            problems.add("--workers must list counts >= 1");
        }
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            problems.add("--batches must list sizes >= 1");
        }
        if (ortThreads < AUTO_THREADS) {
            problems.add("--ort-threads must be auto or >= 0");
        }
        if (idleJobs < 0) {
            problems.add("--idle-jobs must be >= 0");
        }
        if (partitions < 1) {
            problems.add("--partitions must be >= 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    static BenchOptions defaults() {
        return new BenchOptions(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_STEPS, DEFAULT_JOBS, DEFAULT_ROUNDS, List.of(1, 2),
                List.of(1, 4, 8), AUTO_THREADS, DEFAULT_IDLE_JOBS, DEFAULT_PARTITIONS, Path.of(DEFAULT_MODEL),
                DEFAULT_WORKER_LOG);
    }

    /**
     * @throws IllegalArgumentException on an unknown option or a bad value (the message says which)
     */
    static BenchOptions parse(String[] args) {
        BenchOptions o = defaults();
        int width = o.width;
        int height = o.height;
        int steps = o.steps;
        int jobs = o.jobs;
        int rounds = o.rounds;
        List<Integer> workers = o.workers;
        List<Integer> batches = o.batches;
        int ortThreads = o.ortThreads;
        int idleJobs = o.idleJobs;
        int partitions = o.partitions;
        Path model = o.model;
        String workerLog = o.workerLog;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--size" -> {
                    String[] wh = value.toLowerCase(java.util.Locale.ROOT).split("x");
                    if (wh.length != 2) {
                        throw new IllegalArgumentException("--size must be WxH, was " + value);
                    }
                    width = integer(name, wh[0]);
                    height = integer(name, wh[1]);
                }
                case "--steps" -> steps = integer(name, value);
                case "--jobs" -> jobs = integer(name, value);
                case "--rounds" -> rounds = integer(name, value);
                case "--workers" -> workers = integers(name, value);
                case "--batches" -> batches = integers(name, value);
                case "--ort-threads" -> ortThreads = value.equals("auto") ? AUTO_THREADS : integer(name, value);
                case "--idle-jobs" -> idleJobs = integer(name, value);
                case "--partitions" -> partitions = integer(name, value);
                case "--model" -> model = Path.of(value);
                case "--worker-log" -> workerLog = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new BenchOptions(width, height, steps, jobs, rounds, workers, batches, ortThreads, idleJobs, partitions,
                model, workerLog);
    }

    /** The intra-op threads of each worker's ONNX Runtime sessions (0 = ONNX Runtime's choice). */
    int ortThreadsFor(int workerCount) {
        if (ortThreads != AUTO_THREADS) {
            return ortThreads;
        }
        return workerCount == 1 ? 0 : Math.max(1, Runtime.getRuntime().availableProcessors() / workerCount);
    }

    String size() {
        return width + "x" + height;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
    }

    private static List<Integer> integers(String name, String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            out.add(integer(name, part));
        }
        return out;
    }
}
