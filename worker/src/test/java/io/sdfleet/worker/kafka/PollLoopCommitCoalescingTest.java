package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobCodec;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.observe.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs that finish close together share one commit, and none waits longer than {@code commitMaxDelay}: the first
 * finished job opens a window, the poll's timeout shrinks to its end, and everything finished by then is committed
 * in one unit.
 */
class PollLoopCommitCoalescingTest {

    private static final TopicPartition P0 = Jobs.P0;
    private static final Duration LONG_POLL = Duration.ofSeconds(30);
    private static final Duration DELAY = Duration.ofMillis(300);

    private final WakeableMockConsumer consumer = new WakeableMockConsumer();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final WorkInbox inbox = new WorkInbox();
    private final WaitingJobs waiting = new WaitingJobs(Duration.ofMillis(1), Clock.systemUTC());
    private final ShutdownController controller = new ShutdownController(state -> { });
    private final PollLoop loop = new PollLoop(consumer, new AtLeastOnceCommitter(producer, Duration.ofSeconds(5),
            new DeadLetterRecords("dlq", "w1")),
            waiting, new RecordIntake(new DeadLetterRecords("dlq", "w1"), "w1", Clock.systemUTC()), inbox,
            new LiveSessions(), controller, new WorkerMetrics(new SimpleMeterRegistry()),
            new PollSettings(P0.topic(), LONG_POLL, 32, Duration.ofSeconds(1), Duration.ofSeconds(1), DELAY), "w1");
    private Thread pollThread;

    @AfterEach
    void stop() throws InterruptedException {
        controller.requestDrain(Duration.ofSeconds(2));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pollThread.isAlive() && System.nanoTime() < deadline) {
            consumer.wakeup();
            pollThread.join(50);
        }
        assertFalse(pollThread.isAlive(), "poll loop did not stop");
    }

    @Test
    void jobsFinishingWithinTheDelayShareOneCommitAndTheFirstWaitsNoLongerThanIt() throws Exception {
        start("job-a", "job-b", "job-c");
        PendingJob a = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        PendingJob b = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        PendingJob c = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        inbox.started(3);
        waitFor("the loop to block in its long poll", () -> loop.awaiting() == 3 && !inbox.hasResults());

        long t0 = System.nanoTime();
        finish(a);
        Thread.sleep(50);
        finish(b);
        waitFor("offset 2 committed", () -> committed() == 2);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(1, consumer.commits().size(), "a and b in one commit");
        assertEquals(List.of("job-a", "job-b"), keys());
        assertTrue(waitedMs >= DELAY.toMillis() - 20, "a waited for company: " + waitedMs + " ms");
        assertTrue(waitedMs < DELAY.toMillis() + 2_000, "but not much longer than the delay: " + waitedMs + " ms");

        finish(c);
        waitFor("offset 3 committed", () -> committed() == 3);
        assertEquals(2, consumer.commits().size());
    }

    /**
     * Dead letters alone (a burst of malformed records and no job) are committed within the delay too: they are
     * finished work like any completion. Before, only results from the inbox started the commit clock, so a
     * stream of bad records was neither committed nor its DLQ records published until a good job finished.
     */
    @Test
    void deadLettersAloneAreCommittedWithinTheDelay() throws Exception {
        startRaw(List.of("not json".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)));
        long t0 = System.nanoTime();
        waitFor("both dead letters committed", () -> committed() == 2);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs < DELAY.toMillis() + 2_000, "committed after " + waitedMs + " ms");
        assertEquals(List.of("dlq", "dlq"), producer.history().stream().map(r -> r.topic()).toList());
    }

    private void start(String... jobIds) {
        List<byte[]> values = new java.util.ArrayList<>();
        for (String id : jobIds) {
            values.add(JobCodec.shared().encode(Jobs.request(id).build()));
        }
        startRaw(values);
    }

    private void startRaw(List<byte[]> values) {
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            for (int i = 0; i < values.size(); i++) {
                consumer.addRecord(new ConsumerRecord<>(P0.topic(), P0.partition(), i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
        });
        pollThread = new Thread(loop, "sdfleet-poll-test");
        pollThread.setDaemon(true);
        pollThread.start();
    }

    private void finish(PendingJob job) {
        ProducerRecord<byte[], byte[]> completion = new ProducerRecord<>("completions",
                job.jobId().getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        inbox.finished(new FinishedWork(job.partition(), job.offset(), job.session(), List.of(completion),
                job.jobId(), CompletionStatus.SUCCEEDED, null), true);
    }

    private long committed() {
        var commits = consumer.commits();
        return commits.isEmpty() ? -1 : commits.get(commits.size() - 1).get(P0).offset();
    }

    private List<String> keys() {
        return producer.history().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }
}
