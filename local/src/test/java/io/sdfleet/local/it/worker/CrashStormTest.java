package io.sdfleet.local.it.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash storm: three worker processes share the work, and every few seconds one of them is killed with
 * SIGKILL and restarted at once under the same worker id, as an orchestrator restarts a crash-looping pod.
 * Every job must complete exactly once (read_committed, transactions on), and the fleet must keep
 * completing jobs throughout: no gap between two completions longer than {@link #GAP_BOUND}.
 *
 * <p>Why the bound: a kill stops only the killed worker's partitions (static membership: the others keep
 * theirs, no group-wide rebalance waits for the dead member). What can still pause every reader is the
 * killed worker's open transaction, which holds back the completions partitions it wrote to until the
 * restarted worker's initTransactions aborts it, or at the latest the transaction timeout (10 s here). So
 * the bound is that timeout plus a restart's margin; a group that rebalances around each dead member instead
 * stalls for up to the session timeout (45 s) per kill and, in a storm, for minutes (227 s and 475 s were
 * measured with dynamic membership).
 *
 * <p>For measurements, {@code -Dsdfleet.storm.protocol=consumer|classic}, {@code -Dsdfleet.storm.static=false},
 * {@code -Dsdfleet.storm.jobs=N} and {@code -Dsdfleet.storm.kills=N} change the run; it prints one summary line.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class CrashStormTest {

    static final Duration GAP_BOUND = Duration.ofSeconds(30);
    private static final int WORKERS = 3;
    private static final Duration KILL_EVERY = Duration.ofSeconds(5);
    /** Device time per UNet call: a job (3 calls) takes 0.5 s. */
    private static final Duration BATCH_SLEEP = Duration.ofMillis(167);

    @Test
    void everyJobCompletesOnceAndTheFleetNeverStalls(LocalStack stack) throws Exception {
        int jobs = Integer.getInteger("sdfleet.storm.jobs", 240);
        int kills = Integer.getInteger("sdfleet.storm.kills", 10);
        String protocol = System.getProperty("sdfleet.storm.protocol", "");
        String staticMembership = System.getProperty("sdfleet.storm.static", "");
        try (WorkerScenario s = new WorkerScenario(stack, "storm", true, 6)) {
            Map<String, String> extra = new HashMap<>(Map.of("SDFLEET_BATCH_MAX_IMAGES", "1",
                    "SDFLEET_MAX_PENDING_JOBS", "8", "SDFLEET_SHUTDOWN_GRACE", "5s"));
            if (!protocol.isEmpty()) {
                extra.put("SDFLEET_GROUP_PROTOCOL", protocol);
            }
            if (!staticMembership.isEmpty()) {
                extra.put("SDFLEET_STATIC_MEMBERSHIP", staticMembership);
            }
            // The product's own membership timings, not the short ones the other tests use to run fast: the
            // storm is about what the defaults survive.
            java.util.function.Function<String, Map<String, String>> envOf = id -> {
                Map<String, String> env = s.env(id, extra);
                env.remove("SDFLEET_KAFKA_SESSION_TIMEOUT_MS");
                env.remove("SDFLEET_KAFKA_HEARTBEAT_INTERVAL_MS");
                return env;
            };
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            Set<String> expected = requests.stream().map(JobRequest::jobId).collect(Collectors.toSet());
            List<Long> arrivals = new CopyOnWriteArrayList<>();
            Map<String, Integer> perJob = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread watcher = new Thread(() -> s.corner.readCommitted(s.corner.completions(), record -> {
                Completion c = JobCodec.shared().decodeCompletion(record.value());
                if (perJob.merge(c.jobId(), 1, Integer::sum) == 1) {
                    arrivals.add(System.nanoTime());
                }
                return stop.get() || perJob.keySet().containsAll(expected);
            }, Duration.ofMinutes(10), WorkerScenario.WAIT), "storm-watcher");
            watcher.setDaemon(true);
            watcher.start();

            WorkerChild[] workers = new WorkerChild[WORKERS];
            List<String> logs = new ArrayList<>();
            long started = System.nanoTime();
            try {
                for (int w = 0; w < WORKERS; w++) {
                    workers[w] = WorkerChild.start(envOf.apply("storm-" + w), BATCH_SLEEP);
                }
                try {
                    WorkerScenario.await("a first completion", Duration.ofSeconds(60), () -> !arrivals.isEmpty());
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; worker log:\n" + tail(workers[0].logText()), e);
                }
                for (int k = 0; k < kills && perJob.size() < jobs; k++) {
                    Thread.sleep(KILL_EVERY.toMillis());
                    int victim = k % WORKERS;
                    workers[victim].process().destroyForcibly(); // SIGKILL
                    workers[victim].process().waitFor(10, TimeUnit.SECONDS);
                    logs.add(tail(workers[victim].logText()));
                    workers[victim].close();
                    workers[victim] = WorkerChild.start(envOf.apply("storm-" + victim), BATCH_SLEEP);
                }
                WorkerScenario.await("every job completed", Duration.ofMinutes(4),
                        () -> perJob.keySet().containsAll(expected));
            } finally {
                stop.set(true);
                for (WorkerChild w : workers) {
                    if (w != null) {
                        logs.add(tail(w.logText()));
                        w.close();
                    }
                }
            }
            watcher.join(TimeUnit.SECONDS.toMillis(30));
            // A short extra read: duplicates written late would show here.
            Map<String, Long> seen = s.completions(requests).stream()
                    .collect(Collectors.groupingBy(Completion::jobId, Collectors.counting()));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Duration largestGap = largestGap(arrivals);
            System.out.printf("crash storm: protocol=%s static=%s jobs=%d kills=%d took=%ds largest gap=%dms%n",
                    protocol.isEmpty() ? "(default)" : protocol, staticMembership.isEmpty() ? "(default)" : staticMembership,
                    jobs, kills, took.toSeconds(), largestGap.toMillis());
            assertEquals(expected, seen.keySet(), "every job completed");
            seen.forEach((job, n) -> assertEquals(1L, n, "completions of " + job + " seen by a read_committed reader"));
            assertTrue(largestGap.compareTo(GAP_BOUND) <= 0, "largest gap between completions " + largestGap
                    + " exceeds " + GAP_BOUND + "; worker logs:\n" + String.join("\n----\n", logs));
        }
    }

    private static Duration largestGap(List<Long> arrivals) {
        long largest = 0;
        for (int i = 1; i < arrivals.size(); i++) {
            largest = Math.max(largest, arrivals.get(i) - arrivals.get(i - 1));
        }
        return Duration.ofNanos(largest);
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : "…" + log.substring(log.length() - 4000);
    }
}
