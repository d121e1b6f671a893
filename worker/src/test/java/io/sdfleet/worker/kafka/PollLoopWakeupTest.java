package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.JobCodec;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.observe.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Finished work wakes the poll thread: a job is committed without waiting for the poll timeout (30 s here,
 * so a loop that waits for it fails the 5 s bound), and a wakeup that lands during a commit neither loses
 * the commit nor makes the loop rewind and send a completion twice.
 */
class PollLoopWakeupTest {

    private static final TopicPartition P0 = Jobs.P0;
    private static final Duration LONG_POLL = Duration.ofSeconds(30);
    private static final long PROMPT_MS = 5_000;

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
            new PollSettings(P0.topic(), LONG_POLL, 32, Duration.ofSeconds(1), Duration.ofSeconds(1)), "w1");
    private Thread pollThread;

    @AfterEach
    void stop() throws InterruptedException {
        if (pollThread != null) {
            controller.requestDrain(Duration.ofSeconds(2));
            // Nothing wakes the loop for a drain request (it waits out its poll): wake it until it has stopped.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pollThread.isAlive() && System.nanoTime() < deadline) {
                consumer.wakeup();
                pollThread.join(50);
            }
            assertFalse(pollThread.isAlive(), "poll loop did not stop");
        }
    }

    @Test
    void aFinishedJobIsCommittedWithoutWaitingForThePollTimeout() throws Exception {
        start("job-a");
        PendingJob job = takeOne();
        waitFor("the poll loop to block in poll", () -> !inbox.hasResults() && loop.awaiting() == 1);
        Thread.sleep(200); // the loop is now inside its 30 s poll

        long t0 = System.nanoTime();
        finish(job);
        waitFor("offset 1 committed", () -> committedOffset() == 1);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(elapsedMs < PROMPT_MS, "committed after " + elapsedMs + " ms");
        assertTrue(loop.wakeups() >= 1, "the finished job woke the poll");
        assertEquals(List.of("job-a"), completionKeys());
    }

    @Test
    void aWakeupDuringACommitNeitherLosesNorRepeatsIt() throws Exception {
        start("job-a", "job-b");
        PendingJob a = takeOne();
        PendingJob b = takeOne();
        AtomicBoolean wokenOutsidePoll = new AtomicBoolean();
        consumer.duringNextCommit(() -> {
            // Job b finishes while job a's commit is on its way: the loop is not in poll, so no wakeup is sent...
            finish(b);
            wokenOutsidePoll.set(consumer.wakeupPending());
            // ...but one sent just as poll returned (the race the waker cannot rule out) lands here.
            consumer.wakeup();
        });
        finish(a);
        waitFor("offset 2 committed", () -> committedOffset() == 2);

        assertFalse(wokenOutsidePoll.get(), "the waker woke a consumer that was not in poll");
        // Each completion sent once: the broken commit was made again, not rejected and rewound.
        assertEquals(List.of("job-a", "job-b"), completionKeys());
        assertEquals(2, consumer.position(P0), "no rewind");
        assertEquals(0, waiting.size(), "nothing redelivered");
        // Offsets only went forward; the one broken commit was repeated with the same offsets.
        List<Long> committed = consumer.commits().stream().map(c -> c.get(P0).offset()).toList();
        assertEquals(List.of(1L, 1L, 2L), committed);
    }

    private void start(String... jobIds) {
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            for (int i = 0; i < jobIds.length; i++) {
                byte[] value = JobCodec.shared().encode(Jobs.request(jobIds[i]).build());
                consumer.addRecord(new ConsumerRecord<>(P0.topic(), P0.partition(), i,
                        jobIds[i].getBytes(StandardCharsets.UTF_8), value));
            }
        });
        pollThread = new Thread(loop, "sdfleet-poll-test");
        pollThread.setDaemon(true);
        pollThread.start();
    }

    /** Plays the device: takes the next job from the waiting queue. */
    private PendingJob takeOne() throws InterruptedException {
        PendingJob job = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        inbox.started(1);
        return job;
    }

    /** Plays the store pool: hands the job's completion to the poll thread. */
    private void finish(PendingJob job) {
        ProducerRecord<byte[], byte[]> completion = new ProducerRecord<>("completions",
                job.jobId().getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        inbox.finished(new FinishedWork(job.partition(), job.offset(), job.session(), List.of(completion),
                job.jobId(), io.sdfleet.common.CompletionStatus.SUCCEEDED, null), true);
    }

    private long committedOffset() {
        List<Map<TopicPartition, OffsetAndMetadata>> commits = consumer.commits();
        return commits.isEmpty() ? -1 : commits.get(commits.size() - 1).get(P0).offset();
    }

    private List<String> completionKeys() {
        return producer.history().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PROMPT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + PROMPT_MS + " ms waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
