package io.sdfleet.local.it.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker joins its group as a static member named by its worker id, with the product's own membership
 * timings (the 45 s session timeout, not the short one other tests use):
 * <ul>
 *   <li>a worker killed with SIGKILL and restarted under the same id gets its partitions back, and the other
 *       worker is not disturbed (no rebalance round: it sees no revocation and no new assignment);
 *   <li>a clean stop still leaves the group at once (a static member would otherwise keep its partitions
 *       until the session timeout), so the other worker takes them over within seconds.
 * </ul>
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class StaticMembershipTest {

    /** The rebalance listener's log lines; with the cooperative protocol each lists the partitions that changed. */
    private static final Pattern CHANGE = Pattern.compile("partitions (assigned|revoked|lost[^:]*): \\[([^]]*)]");

    private static Map<String, String> productTimings(WorkerScenario s, String id) {
        Map<String, String> env = s.env(id, Map.of());
        env.remove("SDFLEET_KAFKA_SESSION_TIMEOUT_MS");
        env.remove("SDFLEET_KAFKA_HEARTBEAT_INTERVAL_MS");
        return env;
    }

    @Test
    void aKilledWorkerRestartedUnderItsIdGetsItsPartitionsBackWithoutARebalance(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "static-kill", true, 6);
                WorkerChild b = WorkerChild.start(productTimings(s, "b"), Duration.ZERO)) {
            Set<String> beforeKill;
            try (WorkerChild a = WorkerChild.start(productTimings(s, "a"), Duration.ZERO)) {
                WorkerScenario.await("both workers hold partitions", Duration.ofSeconds(90),
                        () -> assigned(a).size() + assigned(b).size() == 6 && !assigned(a).isEmpty()
                                && !assigned(b).isEmpty());
                beforeKill = assigned(a);
                a.process().destroyForcibly();
                assertTrue(a.process().waitFor(10, TimeUnit.SECONDS));
            }
            String bBefore = b.logText();
            try (WorkerChild restarted = WorkerChild.start(productTimings(s, "a"), Duration.ZERO)) {
                restarted.awaitLog("partitions assigned", Duration.ofSeconds(40));
                assertEquals(beforeKill, assigned(restarted), "the same partitions came back:\n" + restarted.logText());
                Thread.sleep(2000); // a rebalance the rejoin started would reach b within this
                String bAfter = b.logText().substring(bBefore.length());
                assertTrue(!bAfter.contains("partitions revoked") && !bAfter.contains("partitions assigned"),
                        "the other worker saw no rebalance:\n" + bAfter);
            }
        }
    }

    @Test
    void aCleanStopLeavesTheGroupAtOnce(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "static-leave", true, 4)) {
            Worker a = s.startWorkerWithEnv(new FakePipeline(Duration.ZERO, 2).pipeline(), productTimings(s, "a"));
            s.startWorkerWithEnv(new FakePipeline(Duration.ZERO, 2).pipeline(), productTimings(s, "b"));
            WorkerScenario.await("two members share the partitions", Duration.ofSeconds(60),
                    () -> members(s) == 2);
            long stopped = System.nanoTime();
            a.close();
            WorkerScenario.await("one member holding every partition", Duration.ofSeconds(40),
                    () -> members(s) == 1 && assignedPartitions(s) == 4);
            Duration took = Duration.ofNanos(System.nanoTime() - stopped);
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "handed over in " + took
                    + ", well before the 45 s session timeout a static member would otherwise keep its partitions");
        }
    }

    /** The partitions a worker process holds now, from its log: assigned ones added, revoked or lost ones removed. */
    private static Set<String> assigned(WorkerChild child) {
        Matcher m = CHANGE.matcher(child.logText());
        Set<String> held = new TreeSet<>();
        while (m.find()) {
            List<String> partitions = List.of(m.group(2).split(",\\s*"));
            if (m.group(1).equals("assigned")) {
                held.addAll(partitions);
            } else {
                held.removeAll(partitions);
            }
        }
        return held;
    }

    private static ConsumerGroupDescription group(WorkerScenario s) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                s.corner.stack().bootstrapServers()))) {
            return admin.describeConsumerGroups(java.util.List.of(s.corner.group())).all().get(10, TimeUnit.SECONDS)
                    .get(s.corner.group());
        }
    }

    private static int members(WorkerScenario s) {
        try {
            return group(s).members().size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int assignedPartitions(WorkerScenario s) {
        try {
            return group(s).members().stream().map(MemberDescription::assignment)
                    .mapToInt(a -> a.topicPartitions().size()).sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
