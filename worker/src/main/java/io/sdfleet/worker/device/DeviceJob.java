package io.sdfleet.worker.device;

import io.sdfleet.common.Stage;
import io.sdfleet.worker.pipeline.DecodedImage;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobTimings;
import io.sdfleet.worker.pipeline.PreparedJob;
import io.sdfleet.worker.pipeline.Trajectory;
import io.sdfleet.worker.store.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job on the device, from its admission to its last decoded image: which of its images are in the active
 * set, which are decoded, and the times its completion reports. The device thread only.
 */
final class DeviceJob {
    final PendingJob pending;
    final PreparedJob prepared;
    final Instant admittedAt;
    private final DecodedImage[] decoded;
    private int admittedImages;
    private int decodedImages;
    private long firstStepNanos = -1;
    private long lastStepNanos = -1;
    private Duration decodeTime = Duration.ZERO;
    private int maxJobsInCall;

    DeviceJob(PendingJob pending, PreparedJob prepared, Instant admittedAt) {
        this.pending = pending;
        this.prepared = prepared;
        this.admittedAt = admittedAt;
        this.decoded = new DecodedImage[prepared.trajectories().size()];
    }

    /** The images not yet in the active set, in index order. */
    List<Trajectory> notAdmitted() {
        List<Trajectory> all = prepared.trajectories();
        return all.subList(admittedImages, all.size());
    }

    void admitted(int images) {
        admittedImages += images;
    }

    boolean fullyAdmitted() {
        return admittedImages == prepared.trajectories().size();
    }

    /** One of its images took part in a UNet call shared by {@code jobs} jobs, from {@code start} to {@code end}. */
    void stepped(long startNanos, long endNanos, int jobs) {
        if (firstStepNanos < 0) {
            firstStepNanos = startNanos;
        }
        lastStepNanos = endNanos;
        maxJobsInCall = Math.max(maxJobsInCall, jobs);
    }

    void decoded(Trajectory image, DecodedImage rgb, Duration time) {
        decoded[image.imageIndex()] = rgb;
        decodedImages++;
        decodeTime = decodeTime.plus(time);
    }

    boolean complete() {
        return decodedImages == decoded.length;
    }

    String jobId() {
        return pending.jobId();
    }

    /** Denoising steps of its images (the most any of them takes). */
    int totalSteps() {
        int total = 0;
        for (Trajectory t : prepared.trajectories()) {
            total = Math.max(total, t.totalSteps());
        }
        return total;
    }

    /** Steps done by all of its images: its least advanced image's (0 while some image waits for admission). */
    int stepsDone() {
        int done = Integer.MAX_VALUE;
        for (Trajectory t : prepared.trajectories()) {
            done = Math.min(done, t.stepsDone());
        }
        return done == Integer.MAX_VALUE ? 0 : done;
    }

    /**
     * The steps progress events count: the job's steps run ({@code steps}, fewer for a picture at a strength below
     * 1), as its completion's {@code stepsRun} says; not the UNet calls, which a scheduler may take one more of
     * (PNDM's warm-up). The one place progress totals are decided.
     */
    int progressTotal() {
        return pending.request().stepsRun();
    }

    /** {@link #stepsDone()} in the units of {@link #progressTotal()}: reaches it when the last call is done. */
    int progressStep() {
        int calls = totalSteps();
        return calls == 0 ? 0 : (int) ((long) stepsDone() * progressTotal() / calls);
    }

    /** Index of its last image. */
    int lastImageIndex() {
        return prepared.trajectories().size() - 1;
    }

    /** Its outcome once {@link #complete()}: the images and the device's share of its timings. */
    JobOutcome outcome() {
        List<GeneratedImage> images = new ArrayList<>(decoded.length);
        for (int i = 0; i < decoded.length; i++) {
            images.add(new GeneratedImage(i, prepared.trajectories().get(i).seed(), decoded[i]));
        }
        JobTimings timings = queued(pending, admittedAt).with(Stage.TOKENIZE, prepared.tokenizeTime())
                .with(Stage.ENCODE, prepared.encodeTime())
                .with(Stage.DENOISE, Duration.ofNanos(Math.max(0, lastStepNanos - firstStepNanos)))
                .with(Stage.DECODE, decodeTime);
        return JobOutcome.succeeded(pending, images, prepared.warnings(), timings, maxJobsInCall);
    }

    int maxJobsInCall() {
        return maxJobsInCall;
    }

    /**
     * The queue time of a job: from its record's timestamp to {@code admitted} (the input stage's time included,
     * which is also reported on its own).
     */
    static JobTimings queued(PendingJob job, Instant admitted) {
        JobTimings queue = JobTimings.NONE.with(Stage.QUEUE, Duration.between(job.recordTime(), admitted));
        return job.pictures() == null ? queue : queue.with(Stage.INPUT, job.inputTime());
    }

    @Override
    public String toString() {
        return pending.toString();
    }
}
