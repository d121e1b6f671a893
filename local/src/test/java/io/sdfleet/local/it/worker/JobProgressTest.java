package io.sdfleet.local.it.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.common.fleet.ProgressEvent.Phase;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.it.CliRun;
import io.sdfleet.producer.ProgressListener;
import io.sdfleet.producer.SdfleetProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Job progress on the real broker: a job's progress events arrive in order (queued, started, steps, decoding,
 * storing), at most about 4 step events a second, and all before its completion; awaitCompletion's listener sees
 * them and then the completion; {@code submit --wait} prints them; {@code status} prints the completion, or the latest progress of a job still running.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class JobProgressTest {

    static final int STEPS = 24;
    static final Duration UNET_CALL = Duration.ofMillis(60);

    @Test
    void progressEventsArriveInOrderAndEndBeforeTheCompletion(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "progress", true)) {
            s.startWorker("w1", new FakePipeline(UNET_CALL, 4).pipeline(), Map.of());
            Map<String, String> env = s.env("client", Map.of());
            List<Object> seen = new ArrayList<>();
            String jobId;
            long began;
            Completion done;
            try (SdfleetProducer producer = SdfleetProducer.builder().env(env).build()) {
                jobId = producer.submit(s.request(1, 1).toBuilder().jobId(null).steps(STEPS).build());
                began = System.nanoTime();
                done = producer.awaitCompletion(jobId, WorkerScenario.WAIT, new ProgressListener() {
                    @Override
                    public void onProgress(ProgressEvent event) {
                        seen.add(event);
                    }

                    @Override
                    public void onCompletion(Completion completion) {
                        seen.add(completion);
                    }
                });
            }
            long took = System.nanoTime() - began;
            assertEquals(CompletionStatus.SUCCEEDED, done.status());
            assertTrue(seen.get(seen.size() - 1) instanceof Completion, "the completion comes last: " + seen);
            List<ProgressEvent> events = seen.stream().filter(ProgressEvent.class::isInstance)
                    .map(ProgressEvent.class::cast).toList();
            assertInOrder(events);
            assertEquals(Phase.QUEUED, events.get(0).phase());
            assertEquals(Phase.STORING, events.get(events.size() - 1).phase());
            long stepEvents = events.stream().filter(e -> e.phase() == Phase.STEP).count();
            long bound = 2 + took / Duration.ofMillis(250).toNanos();
            assertTrue(stepEvents >= 2 && stepEvents <= bound, stepEvents + " step events in " + took / 1_000_000
                    + " ms (bound " + bound + ")");

            // On the topics: every progress record of the job was written before its completion record.
            List<Long> progressTimes = new ArrayList<>();
            s.corner.readCommitted(env.get("SDFLEET_TOPIC_PROGRESS"), r -> {
                if (jobId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    progressTimes.add(r.timestamp());
                    return FleetCodec.decodeProgress(r.value()).orElseThrow().phase() == Phase.STORING;
                }
                return false;
            }, WorkerScenario.WAIT, WorkerScenario.WAIT);
            long[] completionTime = {-1};
            s.corner.readCommitted(s.corner.completions(), r -> {
                if (JobCodec.shared().decodeCompletion(r.value()).jobId().equals(jobId)) {
                    completionTime[0] = r.timestamp();
                    return true;
                }
                return false;
            }, WorkerScenario.WAIT, WorkerScenario.WAIT);
            assertEquals(events.size(), progressTimes.size(), "the listener saw every event on the topic");
            assertTrue(progressTimes.stream().allMatch(t -> t <= completionTime[0]),
                    progressTimes + " vs completion at " + completionTime[0]);

            CliRun wait = CliRun.execute(env, "submit", "a progress bar", "--size", "64x64", "--steps",
                    Integer.toString(STEPS), "--wait");
            assertEquals(0, wait.exitCode(), wait.toString());
            // best effort: the last events may arrive in the poll that brings the completion, which ends the display
            assertTrue(wait.err().contains(" denoising ") && wait.err().contains(" SUCCEEDED "), wait.toString());
            CliRun status = CliRun.execute(env, "status", jobId);
            assertEquals(0, status.exitCode(), status.toString());
            assertTrue(status.out().contains(jobId) && status.out().contains("SUCCEEDED"), status.toString());
            System.out.printf("progress: %d events (%d steps reported of %d) in %d ms, all before the completion%n",
                    events.size(), stepEvents, STEPS, took / 1_000_000);
        }
    }

    private static void assertInOrder(List<ProgressEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            ProgressEvent a = events.get(i - 1);
            ProgressEvent b = events.get(i);
            assertTrue(b.seq() > a.seq(), "numbered in order: " + events);
            assertTrue(b.phase().compareTo(a.phase()) >= 0, "phases in order: " + events);
            assertTrue(b.phase() != Phase.STEP || a.phase() != Phase.STEP || b.step() > a.step(), "steps in order");
        }
    }

    /**
     * A job with progress and no completion yet: {@code status} prints its latest event (phase, step of total,
     * worker) and exits 0; a job nothing is known of exits 4 after --wait. Progress records put on the topic by hand
     * stand in for a worker that is still denoising.
     */
    @Test
    void statusOfAJobStillRunningPrintsItsLatestProgress(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "status", true)) {
            Map<String, String> env = s.env("client", Map.of());
            String jobId = "running-" + System.nanoTime();
            Instant at = Instant.parse("2026-12-02T10:00:00Z");
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                int seq = 0;
                for (ProgressEvent e : List.of(
                        new ProgressEvent(ProgressEvent.SCHEMA, jobId, "w9", Phase.QUEUED, ++seq, 0, 30, 0, 0, 0, at),
                        new ProgressEvent(ProgressEvent.SCHEMA, jobId, "w9", Phase.STARTED, ++seq, 0, 30, 3, 2, 0, at),
                        new ProgressEvent(ProgressEvent.SCHEMA, jobId, "w9", Phase.STEP, ++seq, 12, 30, 0, 0, 8.5,
                                at.plusSeconds(2)))) {
                    raw.send(new ProducerRecord<>(env.get("SDFLEET_TOPIC_PROGRESS"), jobId, FleetCodec.encode(e))).get();
                }
            }

            CliRun status = CliRun.execute(env, "status", jobId, "--wait", "2s");

            assertEquals(0, status.exitCode(), status.toString());
            assertEquals(jobId + " step 12/30 on w9 at 2026-12-02T10:00:02Z", status.out().strip(), status.toString());

            CliRun unknown = CliRun.execute(env, "status", "never-submitted", "--wait", "1s");
            assertEquals(4, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.err().contains("no completion and no progress of job never-submitted"),
                    unknown.toString());
        }
    }
}
