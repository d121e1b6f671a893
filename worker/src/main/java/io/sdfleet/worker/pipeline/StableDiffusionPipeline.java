package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Stable Diffusion (1.x layout) as diffusers' StableDiffusionPipeline runs it, for a micro-batch of jobs.
 *
 * <p>One call: check that the jobs share size, steps and scheduler ({@link BatchShape}); tokenize each job
 * ({@link TextConditioning}); encode all distinct prompts in one text-encoder call; expand each job of
 * {@code numImages = k} into k {@link ImageTask}s with seeds seed..seed+k-1 (mod 2^32); run the images
 * through the {@link DenoisingLoop} and the {@link LatentDecoder} in chunks of at most
 * {@link PipelineSettings#maxBatchImages()}; hand back one {@link JobResult} per job, in order.
 *
 * <p>Invariant: an image's bytes depend on its job's request and seed, the model and the runtime only, not
 * on the rest of the batch, its position in it or the chunking. Each image has its own torch-compatible
 * generator, its own guidance scale, and the runtimes treat batch items independently (verified bit for bit
 * on ONNX Runtime CPU by the pipeline tests). A static-shape UNet (TensorRT engines) keeps this only when every
 * call of a size runs on one engine, which is its default ({@code SDFLEET_TRT_FIXED_BATCH}); the pipeline
 * only asks it for its batch limit ({@link io.sdfleet.worker.runtime.UNetRuntime#maxBatch}).
 *
 * <p>Layering: this class is the public face (opening, identity, closing) and owns the runtimes
 * ({@link ModelRuntimes}, which only move tensors; every native resource is owned by them and closed by
 * {@link #close()}; per-call native tensors are scoped inside the runtime classes). The work is done by
 * package-private pieces: {@link ModelFolderOpener} (loading), {@link BatchRunner} (one batch's flow),
 * {@link ModelConstraints} (checks before any runtime call), {@link FaultAttribution} (isolation and probe) and
 * {@link BatchStages} (the stage sequence and the assembly of results).
 *
 * <p>Failures: a batch that mixes shapes, lacks a seed or has a non-positive image count is a caller bug
 * ({@link IllegalArgumentException}, nothing runs). A job that fails for its own reasons gets an
 * {@link ErrorInfo} ({@link JobErrorCodes}) and the others still run: known constraints (the UNet's size
 * multiple, {@link ImageSizeRule}; engine sizes; the scheduler config; the tokenizer) are checked before any
 * runtime call, so such jobs never reach the runtime. When a runtime call still fails with an exception, one
 * isolation pass ({@link FaultIsolation}) decides: jobs that fail alone while the device demonstrably works
 * fail with {@link JobErrorCodes#MODEL_ERROR} (so a poison request is completed, not redelivered to every
 * worker); otherwise, and at once for out-of-memory and linkage errors, it is a {@link DeviceFault}
 * ({@link RuntimeCallGuard} documents fatal or not) and no result is returned.
 *
 * <p>Threads: not thread-safe; called by the worker's device thread only. {@link #lastBatchProfile()} may
 * be read from any thread.
 */
public final class StableDiffusionPipeline implements BatchPipeline {
    private final String modelName;
    private final ModelRuntimes runtimes;
    private final PipelineSettings settings;
    private final ModelConstraints constraints;
    private final BatchStages stages;
    private final BatchRunner runner;
    private boolean closed;

    /**
     * Takes ownership of {@code runtimes} (closed by {@link #close()}).
     *
     * @param vaeScalingFactor latents are divided by it before the VAE ({@link ModelFolder#vaeScalingFactor()})
     * @param unetSizeMultiple image sides the UNet takes are multiples of it ({@link ModelFolder#unetSizeMultiple()})
     */
    public StableDiffusionPipeline(String modelName, ModelRuntimes runtimes, ClipTokenizer tokenizer,
            SchedulerConfig schedulerConfig, float vaeScalingFactor, int unetSizeMultiple, PipelineSettings settings) {
        this(modelName, runtimes, Objects.requireNonNull(tokenizer, "tokenizer")::tokenize, schedulerConfig,
                vaeScalingFactor, unetSizeMultiple, settings);
    }

    /** As the public constructor, with any prompt-to-ids function as the tokenizer (tests inject failures). */
    StableDiffusionPipeline(String modelName, ModelRuntimes runtimes, Function<String, Tokenization> tokenizer,
            SchedulerConfig schedulerConfig, float vaeScalingFactor, int unetSizeMultiple, PipelineSettings settings) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.runtimes = Objects.requireNonNull(runtimes, "runtimes");
        Objects.requireNonNull(schedulerConfig, "schedulerConfig");
        this.settings = Objects.requireNonNull(settings, "settings");
        RuntimeCallGuard guard = new RuntimeCallGuard(settings.maxConsecutiveDeviceFaults());
        FaultIsolation isolation = new FaultIsolation(guard);
        ImageSizeRule sizeRule = new ImageSizeRule(unetSizeMultiple);
        TextConditioning text = new TextConditioning(Objects.requireNonNull(tokenizer, "tokenizer"),
                runtimes.textEncoder(), guard);
        DenoisingLoop denoising = new DenoisingLoop(runtimes.unet(), guard);
        LatentDecoder decoder = new LatentDecoder(runtimes.vaeDecoder(), vaeScalingFactor, settings.vaeBatchImages(),
                guard);
        this.constraints = new ModelConstraints(modelName, schedulerConfig, sizeRule, runtimes.unet(),
                settings.maxBatchImages());
        this.stages = new BatchStages(text, denoising, decoder, schedulerConfig, constraints);
        this.runner = new BatchRunner(constraints, stages, new FaultAttribution(guard, isolation, stages, constraints),
                guard);
    }

    /**
     * Opens a model folder: tokenizer and scheduler config first (cheap; a broken file fails in
     * milliseconds), then the runtimes.
     *
     * @throws ModelLoadException naming the file that cannot be used; the worker must not start
     */
    public static StableDiffusionPipeline open(ModelFolder folder, RuntimeSettings runtimeSettings,
            PipelineSettings settings) throws ModelLoadException {
        return ModelFolderOpener.open(folder, runtimeSettings, settings);
    }

    /** {@link #open(ModelFolder, RuntimeSettings, PipelineSettings)} with default pipeline settings. */
    public static StableDiffusionPipeline open(ModelFolder folder, RuntimeSettings runtimeSettings)
            throws ModelLoadException {
        return open(folder, runtimeSettings, PipelineSettings.defaults());
    }

    @Override
    public List<JobResult> run(List<JobRequest> jobs) throws DeviceFault {
        Objects.requireNonNull(jobs, "jobs");
        if (closed) {
            throw new IllegalStateException("pipeline is closed");
        }
        if (jobs.isEmpty()) {
            return List.of();
        }
        return runner.run(jobs);
    }

    /** The image sizes the loaded UNet takes. */
    public int unetSizeMultiple() {
        return constraints.sizeMultiple();
    }

    /** {@link ModelConstraints#imagesPerChunk(int, OptionalInt)}: kept here for the batch-limit tests. */
    static OptionalInt imagesPerChunk(int maxBatchImages, OptionalInt unetMaxBatch) {
        return ModelConstraints.imagesPerChunk(maxBatchImages, unetMaxBatch);
    }

    /** Where the time of the last completed {@link #run} went (for benchmarks and logs). */
    public BatchProfile lastBatchProfile() {
        return stages.lastProfile();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String runtimeName() {
        return runtimes.unet().identity();
    }

    @Override
    public int maxBatchImages() {
        return settings.maxBatchImages();
    }

    /** Closes the runtimes; later calls of {@link #run} throw IllegalStateException. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            runtimes.close();
        }
    }
}
