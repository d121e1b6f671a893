package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import java.util.Objects;

/**
 * What {@link StableDiffusionPipeline#prepare} made of one job: either a {@link PreparedJob} ready to be
 * denoised, or the job's own error (a size or scheduler the model cannot run, a prompt that cannot be
 * tokenized), with which it is completed FAILED without any runtime call.
 *
 * @param request the job
 * @param job     its prepared state; null when {@code error} is set
 * @param error   why the job cannot run; null when prepared
 */
public record Admission(JobRequest request, PreparedJob job, ErrorInfo error) {

    public Admission {
        Objects.requireNonNull(request, "request");
        if ((job == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of job and error is set");
        }
    }

    public boolean prepared() {
        return job != null;
    }
}
