package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.image.GenerationParameters;

/**
 * The generation parameters written into an image's PNG (A1111's "parameters" text), from the job and the
 * image: the image's own seed (job seed + index), the job's prompt, negative prompt, steps, scheduler,
 * guidance scale and size, the model name, and for a job from a picture its denoising strength. Stateless.
 */
public final class JobImageParameters {

    private JobImageParameters() {
    }

    public static GenerationParameters of(JobRequest job, GeneratedImage image, String modelName) {
        return new GenerationParameters(job.prompt(), job.negativePrompt(), job.steps(), job.scheduler().wireName(),
                job.guidanceScale(), image.seed(), image.width(), image.height(), modelName,
                job.initImage() == null ? null : job.effectiveStrength());
    }
}
