package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.TimingKeys;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import io.sdfleet.common.tokenizer.TokenizerLoadException;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.scheduler.Scheduler;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Layering: this class orchestrates; the runtimes ({@link ModelRuntimes}) only move tensors, and every
 * native resource is owned by them (closed by {@link #close()}); per-call native tensors are scoped inside
 * the runtime classes.
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
    private final SchedulerConfig schedulerConfig;
    private final PipelineSettings settings;
    private final RuntimeCallGuard guard;
    private final FaultIsolation isolation;
    private final ImageSizeRule sizeRule;
    private final TextConditioning text;
    private final DenoisingLoop denoising;
    private final LatentDecoder decoder;
    private volatile BatchProfile lastProfile = BatchProfile.EMPTY;
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
        this.schedulerConfig = Objects.requireNonNull(schedulerConfig, "schedulerConfig");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guard = new RuntimeCallGuard(settings.maxConsecutiveDeviceFaults());
        this.isolation = new FaultIsolation(guard);
        this.sizeRule = new ImageSizeRule(unetSizeMultiple);
        this.text = new TextConditioning(Objects.requireNonNull(tokenizer, "tokenizer"), runtimes.textEncoder(), guard);
        this.denoising = new DenoisingLoop(runtimes.unet(), guard);
        this.decoder = new LatentDecoder(runtimes.vaeDecoder(), vaeScalingFactor, settings.vaeBatchImages(), guard);
    }

    /**
     * Opens a model folder: tokenizer and scheduler config first (cheap; a broken file fails in
     * milliseconds), then the runtimes.
     *
     * @throws ModelLoadException naming the file that cannot be used; the worker must not start
     */
    public static StableDiffusionPipeline open(ModelFolder folder, RuntimeSettings runtimeSettings,
            PipelineSettings settings) throws ModelLoadException {
        ClipTokenizer tokenizer;
        SchedulerConfig config;
        try {
            tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
        } catch (TokenizerLoadException e) {
            throw new ModelLoadException("cannot load the tokenizer of " + folder.root() + ": " + e.getMessage(), e);
        }
        try {
            config = SchedulerConfig.read(folder.schedulerConfig());
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ModelLoadException("cannot use " + folder.schedulerConfig() + ": " + e.getMessage(), e);
        }
        ModelRuntimes runtimes = ModelRuntimes.open(folder, runtimeSettings);
        return new StableDiffusionPipeline(folder.name(), runtimes, tokenizer, config, folder.vaeScalingFactor(),
                folder.unetSizeMultiple(), settings);
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
        BatchShape shape = BatchShape.common(jobs);
        for (JobRequest job : jobs) {
            requireRunnable(job);
        }
        Optional<ErrorInfo> unsupported = unsupportedScheduler(shape);
        if (unsupported.isPresent()) {
            lastProfile = BatchProfile.EMPTY;
            return jobs.stream().map(job -> failed(job, unsupported.get(), Map.of())).toList();
        }
        // Known constraints, per job, before any runtime call: a size the UNet cannot take fails that job at once
        // (UNSUPPORTED_SIZE) and never reaches the runtime. The batcher groups by size, so in practice all or
        // none of a batch fail here; per job keeps the rest of a batch running whatever the batcher does.
        JobResult[] results = new JobResult[jobs.size()];
        List<JobRequest> runnable = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            Optional<ErrorInfo> sizeError = unsupportedSize(jobs.get(j));
            if (sizeError.isPresent()) {
                results[j] = failed(jobs.get(j), sizeError.get(), Map.of());
            } else {
                runnable.add(jobs.get(j));
            }
        }
        if (runnable.isEmpty()) {
            lastProfile = BatchProfile.EMPTY;
            return List.of(results);
        }
        List<JobResult> ran;
        try {
            ran = runAttributingFailures(runnable, shape);
        } catch (OutOfMemoryError e) {
            // Java heap exhausted outside a runtime call (latents, prediction arrays, images): same policy
            // as inside one (RuntimeCallGuard): non-fatal once, fatal when it repeats.
            denoising.releaseBuffers();
            throw guard.fault("batch of " + jobs.size() + " jobs (" + shape + ")", e);
        }
        int next = 0;
        for (int j = 0; j < jobs.size(); j++) {
            if (results[j] == null) {
                results[j] = ran.get(next++);
            }
        }
        return List.of(results);
    }

    /**
     * Runs jobs that passed every known check. Runtime calls happen inside: a RuntimeException from one
     * (RuntimeCallFailure) is attributed by one isolation pass, which re-runs each job alone and, if needed,
     * a known-good probe ({@link FaultIsolation}): jobs at fault get MODEL_ERROR results (committed like any
     * completion); a device at fault is a DeviceFault (batch redelivered; fatal after repeats). OOM and linkage
     * errors are DeviceFaults straight from the guard and are never isolated.
     */
    private List<JobResult> runAttributingFailures(List<JobRequest> jobs, BatchShape shape) throws DeviceFault {
        try {
            List<JobResult> results = runSupported(jobs, shape);
            guard.batchSucceeded();
            return results;
        } catch (RuntimeCallFailure failure) {
            List<JobResult> isolated = isolation.isolate(jobs, failure, job -> {
                JobResult alone = runSupported(List.of(job), shape).get(0);
                if (alone.succeeded()) {
                    guard.batchSucceeded(); // a real job ran: the device works (a probe never resets the counters)
                }
                return alone;
            }, probe(shape));
            lastProfile = BatchProfile.EMPTY; // the batch did not run as one; its single-job runs are not a profile
            return isolated;
        }
    }

    /**
     * The known-good request of fault isolation: one job with a benign prompt, guided, one step (or the batch's
     * step count if its scheduler needs more than one step), the batch's scheduler, at the smallest size this
     * model takes (the warm-up's; a failure there is not the size's fault). When the UNet has no engine for that
     * size (static-shape runtimes: e.g. TensorRT profiles for 512x512 only), at the failed batch's own size,
     * which passed the engine check. Empty only when neither can run.
     */
    private Optional<FaultIsolation.Probe> probe(BatchShape failed) {
        int side = sizeRule.smallestSide();
        Optional<BatchShape> runnable = probeShape(side, side, failed);
        if (runnable.isEmpty()) {
            runnable = probeShape(failed.width(), failed.height(), failed);
        }
        if (runnable.isEmpty()) {
            return Optional.empty();
        }
        BatchShape shape = runnable.get();
        int width = shape.width();
        int height = shape.height();
        JobRequest request = JobRequest.builder("fault isolation probe").jobId("fault-probe").seed(0L)
                .size(width, height).steps(shape.steps()).scheduler(shape.scheduler()).build();
        String description = "a " + width + "x" + height + " " + shape.steps() + "-step probe";
        return Optional.of(new FaultIsolation.Probe() {
            @Override
            public boolean run() throws DeviceFault, RuntimeCallFailure {
                return runSupported(List.of(request), shape).get(0).succeeded();
            }

            @Override
            public String description() {
                return description;
            }
        });
    }

    /**
     * Runs jobs of one shape through every stage. Runtime calls inside (text encoder, UNet, VAE) go through
     * the guard: RuntimeCallFailure for the caller to attribute, DeviceFault for OOM and linkage errors.
     */
    private List<JobResult> runSupported(List<JobRequest> jobs, BatchShape shape)
            throws DeviceFault, RuntimeCallFailure {
        StageClock tokenizeClock = new StageClock();
        StageClock encodeClock = new StageClock();
        StageClock denoiseClock = new StageClock();
        StageClock decodeClock = new StageClock();

        tokenizeClock.start();
        JobPrompts[] prompts = new JobPrompts[jobs.size()];
        ErrorInfo[] errors = new ErrorInfo[jobs.size()];
        List<Integer> active = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            try {
                prompts[j] = text.tokenize(jobs.get(j));
                active.add(j);
            } catch (RuntimeException | StackOverflowError e) {
                // The tokenizer is pure Java over this job's text: its failure is this job's alone. A
                // StackOverflowError (a regex recursing per character of a pathological prompt) is caught too, as
                // a backstop: the thread's stack is unwound by then and the other jobs of the batch go on.
                errors[j] = new ErrorInfo(JobErrorCodes.PROMPT_NOT_ENCODABLE, "the prompt cannot be tokenized: " + e);
            }
        }
        tokenizeClock.stop();

        RgbImage[][] images = new RgbImage[jobs.size()][];
        int imageCount = 0;
        int unetCalls = 0;
        if (!active.isEmpty()) {
            encodeClock.start();
            int[] condRow = new int[active.size()];
            int[] uncondRow = new int[active.size()];
            PromptEmbeddings embeddings = text.encode(active.stream().map(j -> prompts[j]).toList(), condRow,
                    uncondRow, encodeClock);
            encodeClock.stop();

            List<ImageTask> tasks = new ArrayList<>();
            for (int a = 0; a < active.size(); a++) {
                int j = active.get(a);
                JobRequest job = jobs.get(j);
                images[j] = new RgbImage[job.numImages()];
                for (int i = 0; i < job.numImages(); i++) {
                    tasks.add(new ImageTask(j, i, ImageTask.imageSeed(job.seed(), i), job.guidanceScale(),
                            condRow[a], uncondRow[a]));
                }
            }
            int chunkSize = imagesPerChunk(shape).orElseThrow();
            for (int first = 0; first < tasks.size(); first += chunkSize) {
                List<ImageTask> chunk = tasks.subList(first, Math.min(tasks.size(), first + chunkSize));
                denoiseClock.start();
                Scheduler scheduler = Schedulers.create(shape.scheduler(), schedulerConfig);
                float[] latents = denoising.run(chunk, embeddings, scheduler, shape, denoiseClock);
                unetCalls += scheduler.timesteps().length;
                denoiseClock.stop();
                decodeClock.start();
                List<RgbImage> decoded = decoder.decode(latents, chunk.size(), shape, decodeClock);
                decodeClock.stop();
                for (int k = 0; k < chunk.size(); k++) {
                    images[chunk.get(k).jobIndex()][chunk.get(k).imageIndex()] = decoded.get(k);
                }
            }
            imageCount = tasks.size();
        }

        BatchProfile profile = new BatchProfile(imageCount, shape.steps(), unetCalls, tokenizeClock.time(),
                encodeClock.time(), denoiseClock.time(), decodeClock.time());
        lastProfile = profile;
        List<JobResult> results = new ArrayList<>(jobs.size());
        for (int j = 0; j < jobs.size(); j++) {
            JobRequest job = jobs.get(j);
            if (errors[j] != null) {
                results.add(failed(job, errors[j], Map.of()));
                continue;
            }
            Map<String, Double> timings = new LinkedHashMap<>();
            timings.put(TimingKeys.TOKENIZE, prompts[j].tokenizeNanos() / 1e6);
            timings.put(TimingKeys.ENCODE, profile.encode().totalMillis());
            timings.put(TimingKeys.DENOISE, profile.denoise().totalMillis());
            timings.put(TimingKeys.DECODE, profile.decode().totalMillis());
            List<GeneratedImage> generated = new ArrayList<>(images[j].length);
            for (int i = 0; i < images[j].length; i++) {
                generated.add(new GeneratedImage(i, ImageTask.imageSeed(job.seed(), i), images[j][i]));
            }
            results.add(new JobResult(job.jobId(), generated, prompts[j].warnings(), timings, null));
        }
        return results;
    }

    /** A probe shape of this size with the failed batch's scheduler; empty when the UNet has no engine for it. */
    private Optional<BatchShape> probeShape(int width, int height, BatchShape failed) {
        BatchShape oneStep = new BatchShape(width, height, 1, failed.scheduler());
        BatchShape shape = unsupportedScheduler(oneStep).isEmpty() ? oneStep
                : new BatchShape(width, height, failed.steps(), failed.scheduler());
        return imagesPerChunk(shape).isPresent() ? Optional.of(shape) : Optional.empty();
    }

    /** A caller bug when violated: the worker validates requests before batching them. */
    private static void requireRunnable(JobRequest job) {
        if (job.seed() == null) {
            throw new IllegalArgumentException("job " + job.jobId() + " has no seed (the worker must validate "
                    + "requests with RequestValidator.validateForWorker before batching them)");
        }
        if (job.numImages() < 1 || job.numImages() > JobRequestLimits.MAX_NUM_IMAGES) {
            throw new IllegalArgumentException("job " + job.jobId() + " asks for " + job.numImages()
                    + " images, expected 1.." + JobRequestLimits.MAX_NUM_IMAGES);
        }
        if (job.prompt() == null) {
            throw new IllegalArgumentException("job " + job.jobId() + " has no prompt");
        }
    }

    /** The job's scheduler cannot be built from this model's config, or cannot lay out its steps. */
    private Optional<ErrorInfo> unsupportedScheduler(BatchShape shape) {
        try {
            Schedulers.create(shape.scheduler(), schedulerConfig).setTimesteps(shape.steps());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new ErrorInfo(JobErrorCodes.UNSUPPORTED_SCHEDULER, "scheduler "
                    + shape.scheduler().wireName() + " with " + shape.steps() + " steps cannot run with model "
                    + modelName + "'s scheduler config: " + e.getMessage()));
        }
    }

    /** The job's size is not a multiple of the UNet's ({@link ImageSizeRule}), or no engine serves it. */
    private Optional<ErrorInfo> unsupportedSize(JobRequest job) {
        Optional<String> violation = sizeRule.violation(job.width(), job.height());
        if (violation.isPresent()) {
            return Optional.of(new ErrorInfo(JobErrorCodes.UNSUPPORTED_SIZE, violation.get() + " (model " + modelName
                    + ")"));
        }
        BatchShape shape = BatchShape.of(job);
        if (imagesPerChunk(shape).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new ErrorInfo(JobErrorCodes.UNSUPPORTED_SIZE, "the " + runtimeName() + " UNet of model "
                + modelName + " has no engine for " + shape.width() + "x" + shape.height() + " images"));
    }

    /** The image sizes the loaded UNet takes. */
    public int unetSizeMultiple() {
        return sizeRule.multiple();
    }

    /**
     * How many images one chunk may hold at this size: the setting, and for a static-shape UNet
     * ({@link io.sdfleet.worker.runtime.UNetRuntime#maxBatch}) also half its largest batch (guidance doubles the
     * UNet batch); empty when the UNet cannot run the size at all.
     */
    private OptionalInt imagesPerChunk(BatchShape shape) {
        return imagesPerChunk(settings.maxBatchImages(),
                runtimes.unet().maxBatch(shape.latentHeight(), shape.latentWidth()));
    }

    /** {@link #imagesPerChunk(BatchShape)} from the setting and the UNet's batch limit (empty = none). */
    static OptionalInt imagesPerChunk(int maxBatchImages, OptionalInt unetMaxBatch) {
        if (unetMaxBatch.isEmpty()) {
            return OptionalInt.of(maxBatchImages);
        }
        int images = Math.min(maxBatchImages, unetMaxBatch.getAsInt() / 2);
        return images >= 1 ? OptionalInt.of(images) : OptionalInt.empty();
    }

    private static JobResult failed(JobRequest job, ErrorInfo error, Map<String, Double> timings) {
        return new JobResult(job.jobId(), List.of(), List.of(), timings, error);
    }

    /** Where the time of the last completed {@link #run} went (for benchmarks and logs). */
    public BatchProfile lastBatchProfile() {
        return lastProfile;
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
