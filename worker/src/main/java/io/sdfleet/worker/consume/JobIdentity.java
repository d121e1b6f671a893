package io.sdfleet.worker.consume;

/**
 * Who ran a job, as every completion reports it.
 *
 * @param workerId the worker's id ({@code SDFLEET_WORKER_ID})
 * @param model    the loaded model's name ({@link io.sdfleet.worker.pipeline.BatchPipeline#modelName()})
 * @param runtime  the runtime's identity ({@link io.sdfleet.worker.pipeline.BatchPipeline#runtimeName()})
 */
public record JobIdentity(String workerId, String model, String runtime) {
}
