package io.sdfleet.worker.store;

/**
 * Who ran a job, as every completion reports it.
 *
 * @param workerId the worker's id ({@code SDFLEET_WORKER_ID})
 * @param model    the loaded model's name ({@link io.sdfleet.worker.pipeline.StableDiffusionPipeline#modelName()})
 * @param runtime  the runtime's identity ({@link io.sdfleet.worker.pipeline.StableDiffusionPipeline#runtimeName()})
 * @param modelDigest the model folder's digest ({@link io.sdfleet.worker.model.ModelDigest}); null when unknown
 */
public record JobIdentity(String workerId, String model, String runtime, String modelDigest) {

    /** An identity whose model digest is unknown. */
    public JobIdentity(String workerId, String model, String runtime) {
        this(workerId, model, runtime, null);
    }
}
