package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import java.util.List;
import java.util.Objects;

/**
 * What {@link StableDiffusionPipeline#generate} made for one job: its images (one per requested image, in
 * index order), or an error when the job failed for its own reasons.
 *
 * @param jobId    the job this result belongs to
 * @param images   the decoded images, index 0..numImages-1; empty when {@code error} is set
 * @param warnings things the user should know, e.g. that the prompt was truncated at 77 tokens
 * @param timings  where the job's time went (tokenize, encode, denoise, decode)
 * @param error    null on success
 */
public record JobResult(String jobId, List<GeneratedImage> images, List<String> warnings, JobTimings timings,
                        ErrorInfo error) {

    public JobResult {
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(timings, "timings");
    }

    public boolean succeeded() {
        return error == null;
    }
}
