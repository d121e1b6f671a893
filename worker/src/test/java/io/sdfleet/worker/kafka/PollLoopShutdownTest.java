package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.observe.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;

/** The producer and consumer closes share what is left of the grace period: never a reserve each. */
class PollLoopShutdownTest {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GRACE = Duration.ofMillis(400);

    private volatile Duration producerClose;
    private volatile Duration consumerClose;

    @Test
    void bothClosesFitInWhatIsLeftOfTheGracePeriod() throws InterruptedException {
        WakeableMockConsumer consumer = new WakeableMockConsumer() {
            @Override
            public void close(CloseOptions options) {
                consumerClose = options.timeout().orElse(null);
                super.close(options);
            }
        };
        CommitCoordinator committer = new CommitCoordinator() {
            @Override
            public void commit(CommitUnit unit, Consumer<byte[], byte[]> c) {
            }

            @Override
            public void requireTopics(Collection<String> topics) {
            }

            @Override
            public boolean transactional() {
                return false;
            }

            @Override
            public void close(Duration timeout) {
                producerClose = timeout;
                try {
                    Thread.sleep(timeout.toMillis()); // a producer that cannot flush uses all of its timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ShutdownController controller = new ShutdownController(state -> { });
        PollLoop loop = new PollLoop(consumer, committer, new WaitingJobs(Duration.ofMillis(1), Clock.systemUTC()),
                new RecordIntake(new DeadLetterRecords("dlq", "w1"), "w1", Clock.systemUTC()), new WorkInbox(),
                new LiveSessions(), controller, new WorkerMetrics(new SimpleMeterRegistry()),
                new PollSettings(Jobs.P0.topic(), Duration.ofMillis(20), 32, Duration.ofSeconds(1), CLOSE_TIMEOUT),
                "w1");
        consumer.updateBeginningOffsets(Map.of(Jobs.P0, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(Jobs.P0)));
        Thread poll = new Thread(loop, "sdfleet-poll-test");
        poll.setDaemon(true);
        poll.start();

        controller.requestDrain(GRACE);
        poll.join(10_000);

        assertFalse(poll.isAlive());
        assertNotNull(producerClose);
        assertNotNull(consumerClose);
        assertTrue(producerClose.plus(consumerClose).compareTo(GRACE) <= 0,
                "producer " + producerClose + " + consumer " + consumerClose + " within the grace " + GRACE);
    }
}
