package io.sdfleet.worker.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.common.fleet.ProgressEvent.Phase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Progress events: numbered in order per job, step events thinned to the rate bound, the last step always sent. */
class ProgressPublisherTest {

    private final MockProducer<byte[], byte[]> mock = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());

    private List<ProgressEvent> sent() {
        return mock.history().stream().map(r -> FleetCodec.decodeProgress(r.value()).orElseThrow()).toList();
    }

    @Test
    void eachJobsEventsAreNumberedInOrderAndStepsAreThinnedToTheBound() throws Exception {
        ProgressPublisher p = new ProgressPublisher(mock, "progress", "w1", Duration.ofMillis(250),
                Clock.systemUTC());
        p.queued("j1", 50);
        p.started("j1", 50, 3, 2);
        long began = System.nanoTime();
        for (int step = 1; step <= 50; step++) {
            p.stepped("j1", step, 50);
            Thread.sleep(10); // 50 steps in about half a second
        }
        long took = System.nanoTime() - began;
        p.decoding("j1", 50);
        p.storing("j1", 50);
        p.close(Duration.ofSeconds(5));

        List<ProgressEvent> events = sent();
        assertEquals("j1", new String(mock.history().get(0).key(), StandardCharsets.UTF_8));
        assertEquals(Phase.QUEUED, events.get(0).phase());
        assertEquals(Phase.STARTED, events.get(1).phase());
        assertEquals(2, events.get(1).position());
        assertEquals(3, events.get(1).batchJobs());
        assertEquals(Phase.DECODING, events.get(events.size() - 2).phase());
        assertEquals(Phase.STORING, events.get(events.size() - 1).phase());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).seq(), "numbered in order");
        }
        List<ProgressEvent> steps = events.stream().filter(e -> e.phase() == Phase.STEP).toList();
        assertEquals(50, steps.get(steps.size() - 1).step(), "the last step always goes out");
        long bound = 2 + took / Duration.ofMillis(250).toNanos();
        assertTrue(steps.size() <= bound, steps.size() + " step events in " + took / 1_000_000 + " ms, bound " + bound);
        assertTrue(steps.size() >= 2, "some steps are reported: " + steps.size());
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i).step() > steps.get(i - 1).step());
        }
        assertTrue(steps.get(steps.size() - 1).stepsPerSecond() > 0, "a step rate for the ETA");
    }
}
