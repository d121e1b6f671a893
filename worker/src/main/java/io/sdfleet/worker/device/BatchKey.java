package io.sdfleet.worker.device;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;

/**
 * What jobs must share to run in one micro-batch: the model, the image size, the number of steps and the
 * scheduler (the pipeline runs one UNet shape and one timestep schedule per call). Prompts, guidance scale,
 * seeds and image counts may differ.
 *
 * @param model     the requested model, or null for the worker's default model
 * @param width     image width in pixels
 * @param height    image height in pixels
 * @param steps     denoising steps
 * @param scheduler noise scheduler
 */
public record BatchKey(String model, int width, int height, int steps, SchedulerName scheduler) {

    /** The key of a request. */
    public static BatchKey of(JobRequest request) {
        return new BatchKey(request.model(), request.width(), request.height(), request.steps(), request.scheduler());
    }
}
