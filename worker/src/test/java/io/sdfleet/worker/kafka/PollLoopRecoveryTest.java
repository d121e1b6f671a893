package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll thread survives a consumer position that moves back without a seek of its own (offset reset). */
class PollLoopRecoveryTest {

    private static final TopicPartition P0 = Jobs.P0;

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
            new PollSettings(P0.topic(), Duration.ofMillis(20), 32, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            "w1");
    private Thread pollThread;

    @AfterEach
    void stop() throws InterruptedException {
        controller.requestDrain(Duration.ofSeconds(2));
        pollThread.join(10_000);
        assertFalse(pollThread.isAlive(), "poll loop did not stop");
    }

    @Test
    void anOffsetResetBackwardsStartsANewSessionInsteadOfKillingThePollThread() throws Exception {
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.seek(P0, 5);
            consumer.addRecord(record(5, "job-5"));
            consumer.addRecord(record(6, "job-6"));
        });
        pollThread = new Thread(loop, "sdfleet-poll-test");
        pollThread.setDaemon(true);
        pollThread.start();
        PendingJob five = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        PendingJob six = Jobs.takeOne(waiting, Duration.ofSeconds(5));
        assertEquals(6, six.offset());

        // The log was truncated and auto.offset.reset moved the position back to 0: no seek of the loop's.
        consumer.schedulePollTask(() -> {
            consumer.seek(P0, 0);
            consumer.addRecord(record(0, "job-0"));
        });
        PendingJob again = Jobs.takeOne(waiting, Duration.ofSeconds(5));

        assertEquals(0, again.offset());
        assertTrue(again.session() != five.session(), "tracked in a new session");
        assertTrue(pollThread.isAlive(), "the poll thread survived");
        assertNull(controller.failure());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String jobId) {
        return new ConsumerRecord<>(P0.topic(), P0.partition(), offset, jobId.getBytes(StandardCharsets.UTF_8),
                JobCodec.shared().encode(Jobs.request(jobId).build()));
    }
}
