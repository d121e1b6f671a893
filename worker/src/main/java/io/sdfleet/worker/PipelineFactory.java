package io.sdfleet.worker;

import io.sdfleet.worker.model.ModelDigest;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;

/**
 * Loads the pipeline a worker process runs. {@link WorkerMain} uses {@link #STABLE_DIFFUSION}; tests, benchmarks
 * and the local stack may pass a pipeline over other runtimes (the simulated device, say).
 */
@FunctionalInterface
public interface PipelineFactory {

    /**
     * The real pipeline: the model folder {@code SDFLEET_MODEL_DIR} on the runtime and with the pipeline
     * settings read from the environment ({@link WorkerSettings#runtimeSettings()},
     * {@link WorkerSettings#pipeline()}).
     */
    PipelineFactory STABLE_DIFFUSION = new PipelineFactory() {
        @Override
        public StableDiffusionPipeline create(WorkerSettings settings) throws Exception {
            return StableDiffusionPipeline.open(ModelFolder.load(settings.modelDir()), settings.runtimeSettings(),
                    settings.pipeline());
        }

        @Override
        public String modelDigest(WorkerSettings settings) {
            return ModelDigest.of(settings.modelDir());
        }
    };

    /**
     * @throws Exception any failure to load the model; the process reports it and exits non-zero
     */
    StableDiffusionPipeline create(WorkerSettings settings) throws Exception;

    /**
     * The digest of the model the pipelines of this factory run ({@link ModelDigest}: completions and the catalog
     * carry it); null when the factory's pipelines come from no model folder (a simulated device).
     *
     * @throws java.io.UncheckedIOException a model file cannot be read
     */
    default String modelDigest(WorkerSettings settings) {
        return null;
    }
}
