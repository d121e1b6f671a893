package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline made for one job of a batch: its images (one per requested image, in index order),
 * or an error when the job failed for its own reasons.
 *
 * @param jobId     the job this result belongs to
 * @param images    the decoded images, index 0..numImages-1; empty when {@code error} is set
 * @param warnings  things the user should know, e.g. that the prompt was truncated at 77 tokens
 * @param timingsMs milliseconds per pipeline stage (keys from {@link io.sdfleet.common.TimingKeys})
 * @param error     null on success
 */
public record JobResult(String jobId, List<GeneratedImage> images, List<String> warnings,
                        Map<String, Double> timingsMs, ErrorInfo error) {

    public JobResult {
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
        timingsMs = Map.copyOf(timingsMs);
    }

    public boolean succeeded() {
        return error == null;
    }
}
