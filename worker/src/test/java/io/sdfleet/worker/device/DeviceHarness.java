package io.sdfleet.worker.device;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.kafka.Jobs;
import io.sdfleet.worker.kafka.LiveSessions;
import io.sdfleet.worker.kafka.MutableClock;
import io.sdfleet.worker.kafka.PartitionOffsets;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.store.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link DeviceLoop} on a test's pipeline, driven turn by turn on the test's thread, with what a worker
 * wires around it: the waiting queue, live partition sessions, the inbox, a running controller, a clock the
 * test moves, and the outcomes collected in order.
 */
final class DeviceHarness {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final List<JobOutcome> outcomes = new ArrayList<>();
    final WorkInbox inbox = new WorkInbox();
    final LiveSessions live = new LiveSessions();
    final PartitionOffsets offsets = new PartitionOffsets(live);
    final ShutdownController controller = new ShutdownController(state -> { });
    final WaitingJobs waiting = new WaitingJobs(Duration.ofMillis(50), clock);
    final DeviceLoop loop;
    /** Runs on the device thread after each outcome is collected (a test adds jobs mid-turn with it). */
    java.util.function.Consumer<JobOutcome> onOutcome = o -> { };
    private long nextOffset;

    DeviceHarness(StableDiffusionPipeline pipeline, Batching batching, int maxImages, int decodePerStep) {
        DeviceSettings settings = new DeviceSettings(batching, maxImages, Duration.ofMillis(50), decodePerStep, 3);
        DeviceFaultPolicy faults = new DeviceFaultPolicy(3, DeviceLoop.probeOf(pipeline), Duration.ZERO);
        offsets.session(Jobs.P0);
        controller.running(false);
        loop = new DeviceLoop(waiting, pipeline, o -> {
            outcomes.add(o);
            onOutcome.accept(o);
        }, inbox, live, controller,
                new WorkerMetrics(new SimpleMeterRegistry()), clock, settings, faults, "w");
    }

    PendingJob add(JobRequest request) {
        return add(Jobs.P0, request);
    }

    PendingJob add(TopicPartition partition, JobRequest request) {
        PendingJob job = new PendingJob(partition, nextOffset++, offsets.session(partition), request, clock.instant(),
                clock.instant(), null);
        waiting.add(job);
        return job;
    }

    /** A job from pictures, as the input stage hands it to the device. */
    PendingJob add(JobRequest request, io.sdfleet.worker.pipeline.JobPictures pictures) {
        PendingJob job = new PendingJob(Jobs.P0, nextOffset++, offsets.session(Jobs.P0), request, clock.instant(),
                clock.instant(), null).withPictures(pictures, Duration.ZERO);
        waiting.add(job);
        return job;
    }

    void turns(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            loop.turn();
        }
    }

    /** Turns until nothing is on the device and nothing it may take is waiting. */
    void runUntilIdle() throws InterruptedException {
        boolean admits = controller.state().takesWork();
        for (int i = 0; i < 500 && (i == 0 || loop.jobsOnDevice() > 0 || (admits && !waiting.isEmpty())); i++) {
            loop.turn();
        }
    }

    JobOutcome outcome(String jobId) {
        return outcomes.stream().filter(o -> o.job().jobId().equals(jobId)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for " + jobId + " in " + outcomes));
    }

    List<String> outcomeIds() {
        return outcomes.stream().map(o -> o.job().jobId()).toList();
    }
}
