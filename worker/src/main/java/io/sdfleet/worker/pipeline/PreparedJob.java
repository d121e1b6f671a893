package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A job that passed the model's checks and had its prompts encoded: its text states (the job keeps its own copy
 * of its rows, so it does not depend on the encoder call it was admitted in), what the user should be told
 * (warnings), and one {@link Trajectory} per requested image, each at step 0.
 *
 * <p>Made by {@link StableDiffusionPipeline#prepare}. The device thread only.
 */
public final class PreparedJob {
    private final JobRequest request;
    private final float[] condStates;
    private final float[] uncondStates;
    private final List<String> warnings;
    private final Duration tokenizeTime;
    private final Duration encodeTime;
    private final List<Trajectory> trajectories = new ArrayList<>();

    PreparedJob(JobRequest request, float[] condStates, float[] uncondStates, List<String> warnings,
            Duration tokenizeTime, Duration encodeTime) {
        this.request = request;
        this.condStates = condStates;
        this.uncondStates = uncondStates;
        this.warnings = List.copyOf(warnings);
        this.tokenizeTime = tokenizeTime;
        this.encodeTime = encodeTime;
    }

    public JobRequest request() {
        return request;
    }

    /** Classifier-free guidance applies (scale above 1): each image is two UNet items per step. */
    public boolean guided() {
        return uncondStates != null;
    }

    /** The job's images, in index order. */
    public List<Trajectory> trajectories() {
        return Collections.unmodifiableList(trajectories);
    }

    /** e.g. that the prompt was truncated at 77 tokens. */
    public List<String> warnings() {
        return warnings;
    }

    public Duration tokenizeTime() {
        return tokenizeTime;
    }

    /** The text-encoder call the job's prompts were encoded in. */
    public Duration encodeTime() {
        return encodeTime;
    }

    float[] condStates() {
        return condStates;
    }

    float[] uncondStates() {
        return uncondStates;
    }

    void add(Trajectory trajectory) {
        trajectories.add(trajectory);
    }
}
