package io.sdfleet.worker;

import io.sdfleet.worker.pipeline.BatchPipeline;

/**
 * Loads the pipeline a worker process runs. {@link WorkerMain} uses the real Stable Diffusion pipeline;
 * tests and the local stack pass their own.
 */
@FunctionalInterface
public interface PipelineFactory {

    /**
     * @throws Exception any failure to load the model; the process reports it and exits non-zero
     */
    BatchPipeline create(WorkerSettings settings) throws Exception;
}
