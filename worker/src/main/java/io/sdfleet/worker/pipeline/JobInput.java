package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import java.util.Objects;

/**
 * What {@link StableDiffusionPipeline#prepare} takes for one job: its request and, for img2img and inpainting,
 * its pictures (fetched, checked and fitted by the worker's input stage).
 *
 * @param request  the validated request
 * @param pictures null exactly when the request starts from noise
 */
public record JobInput(JobRequest request, JobPictures pictures) {

    public JobInput {
        Objects.requireNonNull(request, "request");
        if ((request.initImage() == null) != (pictures == null)) {
            throw new IllegalArgumentException(request.jobId() + ": pictures must be given exactly for a request"
                    + " with initImage (mode " + request.mode().wireName() + ")");
        }
        if (pictures != null && (pictures.inpaint() != (request.maskImage() != null)
                || pictures.width() != request.width() || pictures.height() != request.height())) {
            throw new IllegalArgumentException(request.jobId() + ": pictures do not match the request");
        }
    }

    /** A job that starts from noise. */
    public static JobInput txt2img(JobRequest request) {
        return new JobInput(request, null);
    }
}
