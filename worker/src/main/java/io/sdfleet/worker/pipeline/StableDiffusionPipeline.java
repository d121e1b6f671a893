package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.Stage;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.image.DiffusersImageProcessor;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.rng.DiagonalGaussian;
import io.sdfleet.worker.rng.LatentNoise;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.VaeEncoderRuntime;
import io.sdfleet.worker.scheduler.Scheduler;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import io.sdfleet.worker.scheduler.StrengthSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Stable Diffusion (1.x layout) as diffusers' {@code StableDiffusionPipeline.__call__} runs it, cut where
 * step-level batching needs the cuts: {@link #prepare} is the call's steps 1–5 for jobs joining the device,
 * {@link #denoise} is one pass of its denoising loop for images that may each be at another step, of another
 * job, scheduler or guidance scale, and {@link #decode} is its steps 7–8. The device stage decides which images
 * go into each call ({@code io.sdfleet.worker.device}); {@link #generate} runs whole jobs through all of it, as
 * one static batch (the warm-up, the probe, benchmarks).
 *
 * <p>Invariant: an image's bytes depend on its job's request and seed, the model and the runtime only, never on
 * what shares its calls, at which step it joined, or how calls are chunked. Each image has its own scheduler,
 * generator and guidance scale ({@link Trajectory}); the runtimes treat items independently, each at its own
 * timestep (verified bit for bit on ONNX Runtime CPU by the pipeline tests). A static-shape UNet (TensorRT
 * engines) keeps this only when every call of a size runs on one engine, its default
 * ({@code SDFLEET_TRT_FIXED_BATCH}).
 *
 * <p>Failures: a job that cannot run on this model (size, scheduler, prompt) is refused by {@link #prepare}
 * with its {@link ErrorCode} and never reaches a runtime. A failed runtime call is a {@link RuntimeCallFailure}
 * and changes no trajectory (a trajectory advances only after its call succeeded), so the caller may re-run the
 * same images, alone or in other company; attributing the failure is the caller's job. A batch that breaks the
 * contract (no seed, images of two sizes in one {@link #denoise}) is a caller bug: IllegalArgumentException.
 *
 * <p>Layering: the runtimes ({@link ModelRuntimes}) own the native sessions and only move tensors; this class
 * owns every piece of maths around them and closes them in {@link #close()}. Threads: the device thread only;
 * {@link #busyNanos()} may be read from any thread.
 */
public final class StableDiffusionPipeline implements AutoCloseable {
    private final String modelName;
    private final ModelRuntimes runtimes;
    private final SchedulerConfig schedulerConfig;
    private final float vaeScalingFactor;
    private final PipelineSettings settings;
    private final RuntimeCalls calls = new RuntimeCalls();
    private final TextConditioning text;
    private final ModelConstraints constraints;
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
        this.vaeScalingFactor = vaeScalingFactor;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.text = new TextConditioning(Objects.requireNonNull(tokenizer, "tokenizer"), runtimes.textEncoder(), calls);
        this.constraints = new ModelConstraints(modelName, schedulerConfig, new ImageSizeRule(unetSizeMultiple),
                runtimes.unet(), settings.maxBatchImages(), runtimes.vaeEncoder() != null);
    }

    /**
     * Opens a model folder: tokenizer and scheduler config first (cheap; a broken file fails in milliseconds),
     * then the runtimes.
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

    /** {@link #prepareInputs} for jobs that start from noise. */
    public List<Admission> prepare(List<JobRequest> jobs) throws RuntimeCallFailure {
        return prepareInputs(jobs.stream().map(JobInput::txt2img).toList());
    }

    /**
     * Steps 1–5 of diffusers' call for jobs joining the device (txt2img, img2img and inpainting alike); one
     * {@link Admission} per job, in order. One text-encoder call for all of them (none when every job is
     * refused); for a job with a picture, VAE-encoder calls for its picture (and its masked picture).
     *
     * @throws RuntimeCallFailure the text encoder or a VAE-encoder call failed; nothing was prepared
     */
    public List<Admission> prepareInputs(List<JobInput> inputs) throws RuntimeCallFailure {
        requireOpen();
        Admission[] admissions = new Admission[inputs.size()];
        List<Integer> runnable = new ArrayList<>();
        List<JobPrompts> prompts = new ArrayList<>();
        for (int j = 0; j < inputs.size(); j++) {
            JobRequest job = inputs.get(j).request();
            ModelConstraints.requireRunnable(job);
            // 1. Check inputs: modes, sizes and schedulers this model cannot run fail here, before any runtime call.
            var unsupported = constraints.unsupported(job);
            if (unsupported.isPresent()) {
                admissions[j] = new Admission(job, null, unsupported.get());
                continue;
            }
            // 2. Tokenize the prompt and, when guided, the negative prompt. Pure Java over this job's text, so a
            //    failure is this job's alone; a StackOverflowError (a pathological prompt) is caught as a
            //    backstop: the stack is unwound by now and the other jobs go on.
            try {
                prompts.add(text.tokenize(job));
                runnable.add(j);
            } catch (RuntimeException | StackOverflowError e) {
                admissions[j] = new Admission(job, null,
                        ErrorCode.PROMPT_NOT_ENCODABLE.error("the prompt cannot be tokenized: " + e));
            }
        }
        if (runnable.isEmpty()) {
            return List.of(admissions);
        }
        // 3. Encode the prompts: every distinct id row of these jobs in one text-encoder call.
        int[] condRow = new int[runnable.size()];
        int[] uncondRow = new int[runnable.size()];
        long start = System.nanoTime();
        PromptEmbeddings embeddings = text.encode(prompts, condRow, uncondRow);
        Duration encodeTime = Duration.ofNanos(System.nanoTime() - start);
        // 4. Preprocess the pictures: VAE-encode each job's picture and masked picture (all calls before any
        //    trajectory exists, so a failed call leaves nothing half prepared).
        Map<Integer, EncodedPictures> encoded = new LinkedHashMap<>();
        Map<Integer, Duration> pictureTime = new LinkedHashMap<>();
        for (int j : runnable) {
            JobPictures pictures = inputs.get(j).pictures();
            if (pictures != null) {
                long t0 = System.nanoTime();
                encoded.put(j, encodePictures(inputs.get(j).request().jobId(), pictures));
                pictureTime.put(j, Duration.ofNanos(System.nanoTime() - t0));
            }
        }
        for (int r = 0; r < runnable.size(); r++) {
            int j = runnable.get(r);
            JobRequest job = inputs.get(j).request();
            JobPrompts p = prompts.get(r);
            PreparedJob prepared = new PreparedJob(job, embeddings.row(condRow[r]),
                    p.guided() ? embeddings.row(uncondRow[r]) : null, p.warnings(),
                    Duration.ofNanos(p.tokenizeNanos()), encodeTime.plus(pictureTime.getOrDefault(j, Duration.ZERO)));
            for (int i = 0; i < job.numImages(); i++) {
                prepared.add(trajectory(prepared, i, encoded.get(j)));
            }
            admissions[j] = new Admission(job, prepared, null);
        }
        return List.of(admissions);
    }

    /**
     * Steps 5–6 of diffusers' call for one image: its timesteps and its starting latents, from the image's own
     * generator (torch.manual_seed(seed + i)), whose draws come in diffusers' order.
     */
    private Trajectory trajectory(PreparedJob prepared, int i, EncodedPictures pictures) {
        JobRequest job = prepared.request();
        LatentSize size = LatentSize.ofImage(job.width(), job.height());
        // 5. Prepare timesteps: each image its own scheduler (multistep history is per image).
        Scheduler scheduler = Schedulers.create(job.scheduler(), schedulerConfig);
        scheduler.setTimesteps(job.steps());
        long seed = ImageItems.imageSeed(job.seed(), i);
        LatentNoise noise = new LatentNoise(new long[] {seed}, UNetRuntime.LATENT_CHANNELS, size.height(),
                size.width());
        float initSigma = scheduler.initNoiseSigma();
        if (pictures == null) {
            // 6. Prepare latents: x_T = randn((1, 4, h/8, w/8), generator) * init_noise_sigma; the same generator
            //    gives the image's later noise (Euler ancestral).
            float[] latents = noise.nextBatch();
            for (int k = 0; k < latents.length; k++) {
                latents[k] *= initSigma;
            }
            return new Trajectory(prepared, i, seed, size, scheduler, noise, latents, 0, null);
        }
        // 5b. Start later: get_timesteps(steps, strength), then set_begin_index.
        double strength = job.effectiveStrength();
        StrengthSchedule start = StrengthSchedule.of(scheduler, job.steps(), strength);
        scheduler.beginAt(start.beginIndex());
        boolean inpaint = pictures.latentMask() != null;
        boolean conditioned = runtimes.unet().inputChannels() == UNetRuntime.INPAINT_CHANNELS;
        // 6. Prepare latents, drawing from the image's generator in diffusers' order: (A) the picture's latents,
        //    which inpainting skips for a 9-channel UNet at strength 1; (B) the noise; (C) for inpainting, the
        //    masked picture's latents (drawn for a 4-channel UNet too, which does not use them).
        float[] imageLatents = !inpaint || !conditioned || strength < 1.0
                ? sampleLatents(pictures.init(), noise) : null;
        float[] startNoise = noise.nextBatch();
        float[] latents;
        if (inpaint && strength == 1.0) {
            latents = startNoise.clone();
            for (int k = 0; k < latents.length; k++) {
                latents[k] *= initSigma;
            }
        } else {
            latents = scheduler.addNoise(imageLatents, startNoise, start.beginIndex());
        }
        InpaintRegion region = inpaint
                ? new InpaintRegion(pictures.latentMask(), imageLatents, startNoise,
                        sampleLatents(pictures.masked(), noise), conditioned)
                : null;
        return new Trajectory(prepared, i, seed, size, scheduler, noise, latents, start.beginIndex(), region);
    }

    /** A job's pictures after the VAE encoder: the distribution parameters (or in-graph samples) of each. */
    private record EncodedPictures(VaeEncoderRuntime.Encoded init, VaeEncoderRuntime.Encoded masked,
            float[] latentMask) {
    }

    private EncodedPictures encodePictures(String jobId, JobPictures pictures) throws RuntimeCallFailure {
        VaeEncoderRuntime encoder = runtimes.vaeEncoder(); // present: ModelConstraints refused the mode otherwise
        int w = pictures.width();
        int h = pictures.height();
        VaeEncoderRuntime.Encoded init = calls.call("VAE encoder (picture of " + jobId + ")",
                () -> encoder.encode(pictures.init(), 1, h, w));
        if (!pictures.inpaint()) {
            return new EncodedPictures(init, null, null);
        }
        float[] maskedPixels = DiffusersImageProcessor.maskedImage(pictures.init(), pictures.mask());
        VaeEncoderRuntime.Encoded masked = calls.call("VAE encoder (masked picture of " + jobId + ")",
                () -> encoder.encode(maskedPixels, 1, h, w));
        return new EncodedPictures(init, masked, DiffusersImageProcessor.latentMask(pictures.mask(), w, h));
    }

    /**
     * {@code scaling_factor * latent_dist.sample(generator)}: one draw from the image's generator for an export
     * of the distribution's parameters; none for an export that sampled inside its graph (not reproducible).
     */
    private float[] sampleLatents(VaeEncoderRuntime.Encoded encoded, LatentNoise noise) {
        int n = UNetRuntime.LATENT_CHANNELS * encoded.latentHeight() * encoded.latentWidth();
        if (encoded.kind() == VaeEncoderRuntime.OutputKind.LATENT_SAMPLE) {
            float[] out = Arrays.copyOf(encoded.values(), n);
            for (int k = 0; k < n; k++) {
                out[k] = vaeScalingFactor * out[k];
            }
            return out;
        }
        return DiagonalGaussian.scaledSamples(encoded.values(), 1, UNetRuntime.LATENT_CHANNELS,
                encoded.latentHeight(), encoded.latentWidth(), noise.nextBatch(), vaeScalingFactor);
    }

    /**
     * Step 6, the body of diffusers' denoising loop, once for each of {@code batch}: one UNet call for images of
     * one latent size, each at its own step, timestep, scheduler and guidance scale. Every trajectory advances
     * by one step, or none does (on a failure).
     *
     * @throws RuntimeCallFailure the UNet failed; no trajectory changed
     * @throws IllegalArgumentException empty batch, two latent sizes, or a finished trajectory
     */
    public void denoise(List<Trajectory> batch) throws RuntimeCallFailure {
        requireOpen();
        LatentSize size = commonSize(batch);
        int count = batch.size();
        int itemSize = batch.get(0).itemSize();
        int guidedCount = 0;
        for (Trajectory t : batch) {
            if (t.finished()) {
                throw new IllegalArgumentException(t + " has no step left");
            }
            guidedCount += t.job().guided() ? 1 : 0;
        }
        int items = guidedCount + count;
        int inputSize = batch.get(0).inputSize();
        int stateSize = batch.get(0).job().condStates().length;
        // 6a. Expand the latents for classifier-free guidance, each scaled by its own scheduler: the
        //     unconditional items of the guided images first, then the conditional items of all images, as
        //     diffusers orders torch.cat([negative_prompt_embeds, prompt_embeds]); text states and timesteps alike.
        float[] input = new float[items * inputSize];
        float[] states = new float[items * stateSize];
        float[] timesteps = new float[items];
        int uncond = 0;
        for (int j = 0; j < count; j++) {
            Trajectory t = batch.get(j);
            float[] scaled = t.modelInput();
            if (scaled.length != inputSize) {
                throw new IllegalArgumentException(t + " has UNet items of " + scaled.length + " values, the call "
                        + inputSize);
            }
            int cond = guidedCount + j;
            System.arraycopy(scaled, 0, input, cond * inputSize, inputSize);
            System.arraycopy(t.job().condStates(), 0, states, cond * stateSize, stateSize);
            timesteps[cond] = t.timestep();
            if (t.job().guided()) {
                System.arraycopy(scaled, 0, input, uncond * inputSize, inputSize);
                System.arraycopy(t.job().uncondStates(), 0, states, uncond * stateSize, stateSize);
                timesteps[uncond] = t.timestep();
                uncond++;
            }
        }
        // 6b. Predict the noise residual: one call, each item at its own timestep. Only classified here: the
        //     caller attributes a failure (to a job, or to the device).
        float[] output = calls.call("UNet (" + items + " items, latent " + size + ")",
                () -> runtimes.unet().predictNoise(input, timesteps, states, items, size.height(), size.width()));
        // 6c. Perform guidance, per image with its own scale; 6d. compute the previous noisy sample x_t -> x_t-1
        //     with each image's own scheduler and noise (scheduler maths is elementwise).
        uncond = 0;
        for (int j = 0; j < count; j++) {
            Trajectory t = batch.get(j);
            float[] prediction = new float[itemSize]; // new each step: multistep schedulers keep earlier ones
            if (t.job().guided()) {
                ClassifierFreeGuidance.guide(output, uncond++, guidedCount + j,
                        (float) t.job().request().guidanceScale(), prediction, 0, itemSize);
            } else {
                ClassifierFreeGuidance.conditionalOnly(output, guidedCount + j, prediction, 0, itemSize);
            }
            t.advance(prediction);
        }
    }

    /**
     * Step 7: decodes finished trajectories, in order: {@code vae.decode(latents / scaling_factor)} (a float32
     * division, like torch's tensor / Python float on the CPU); diffusers' post-processing to 8-bit RGB
     * ({@link PixelConversion}) follows on the thread that takes the image ({@link DecodedImage}). At most {@link PipelineSettings#vaeBatchImages()} images per VAE call (the VAE's
     * full-size activations are the memory peak); images are independent, so the chunking changes no value.
     *
     * @throws RuntimeCallFailure the VAE failed; nothing is returned
     */
    public List<DecodedImage> decode(List<Trajectory> finished) throws RuntimeCallFailure {
        requireOpen();
        DecodedImage[] images = new DecodedImage[finished.size()];
        Map<LatentSize, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < finished.size(); i++) {
            if (!finished.get(i).finished()) {
                throw new IllegalArgumentException(finished.get(i) + " is not finished");
            }
            bySize.computeIfAbsent(finished.get(i).latentSize(), s -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<LatentSize, List<Integer>> group : bySize.entrySet()) {
            LatentSize size = group.getKey();
            List<Integer> indices = group.getValue();
            int itemSize = UNetRuntime.LATENT_CHANNELS * size.area();
            int imageSize = 3 * size.imageWidth() * size.imageHeight();
            for (int first = 0; first < indices.size(); first += settings.vaeBatchImages()) {
                List<Integer> chunk = indices.subList(first, Math.min(indices.size(), first + settings.vaeBatchImages()));
                int n = chunk.size();
                float[] scaled = new float[n * itemSize];
                for (int k = 0; k < n; k++) {
                    float[] latents = finished.get(chunk.get(k)).latents();
                    for (int v = 0; v < itemSize; v++) {
                        scaled[k * itemSize + v] = latents[v] / vaeScalingFactor;
                    }
                }
                float[] pixels = calls.call("VAE decoder (" + n + " images, latent " + size + ")",
                        () -> runtimes.vaeDecoder().decode(scaled, n, size.height(), size.width()));
                for (int k = 0; k < n; k++) {
                    images[chunk.get(k)] = new DecodedImage(Arrays.copyOfRange(pixels, k * imageSize,
                            (k + 1) * imageSize), size.imageWidth(), size.imageHeight());
                }
            }
        }
        return List.of(images);
    }

    /**
     * Whole jobs to images as one static batch: {@link #prepare}, then every image stepped to its end in calls of
     * at most {@link #maxItems} items per latent size, then {@link #decode}. No fault attribution: a failed call
     * is thrown (the warm-up and the probe want exactly that). One result per job, in order.
     */
    public List<JobResult> generate(List<JobRequest> jobs) throws RuntimeCallFailure {
        return generateFrom(jobs.stream().map(JobInput::txt2img).toList());
    }

    /** {@link #generate} for jobs that may start from pictures. */
    public List<JobResult> generateFrom(List<JobInput> jobs) throws RuntimeCallFailure {
        List<Admission> admissions = prepareInputs(jobs);
        long denoiseStart = System.nanoTime();
        Map<LatentSize, List<Trajectory>> bySize = new LinkedHashMap<>();
        for (Admission a : admissions) {
            if (a.prepared()) {
                for (Trajectory t : a.job().trajectories()) {
                    bySize.computeIfAbsent(t.latentSize(), s -> new ArrayList<>()).add(t);
                }
            }
        }
        for (Map.Entry<LatentSize, List<Trajectory>> group : bySize.entrySet()) {
            int maxItems = constraints.maxItems(group.getKey());
            List<Trajectory> open = new ArrayList<>(group.getValue());
            while (!open.isEmpty()) {
                List<Trajectory> call = new ArrayList<>();
                int items = 0;
                for (Trajectory t : open) {
                    if (!call.isEmpty() && items + t.items() > maxItems) {
                        break;
                    }
                    call.add(t);
                    items += t.items();
                }
                denoise(call);
                open.removeIf(Trajectory::finished);
            }
        }
        Duration denoiseTime = Duration.ofNanos(System.nanoTime() - denoiseStart);
        List<JobResult> results = new ArrayList<>(jobs.size());
        for (Admission a : admissions) {
            if (!a.prepared()) {
                results.add(new JobResult(a.request().jobId(), List.of(), List.of(), JobTimings.NONE, a.error()));
                continue;
            }
            long decodeStart = System.nanoTime();
            List<DecodedImage> decoded = decode(a.job().trajectories());
            List<GeneratedImage> images = new ArrayList<>(decoded.size());
            for (int i = 0; i < decoded.size(); i++) {
                images.add(new GeneratedImage(i, a.job().trajectories().get(i).seed(), decoded.get(i)));
            }
            JobTimings timings = JobTimings.NONE.with(Stage.TOKENIZE, a.job().tokenizeTime())
                    .with(Stage.ENCODE, a.job().encodeTime()).with(Stage.DENOISE, denoiseTime)
                    .with(Stage.DECODE, Duration.ofNanos(System.nanoTime() - decodeStart));
            results.add(new JobResult(a.request().jobId(), images, a.job().warnings(), timings, null));
        }
        return results;
    }

    /**
     * The most UNet items one {@link #denoise} call may hold at this size ({@code SDFLEET_BATCH_MAX_IMAGES} x 2,
     * and a static-shape UNet's largest engine); 0 when the UNet cannot run the size.
     */
    public int maxItems(LatentSize size) {
        return constraints.maxItems(size);
    }

    /**
     * The worker's one known-good request: one guided step at the smallest size this model and runtime serve.
     * The warm-up at start, and the fault policy's evidence that the device works.
     */
    public JobInput probe() {
        return constraints.probe();
    }

    /** What this model runs and what other modes would need, for the start log. */
    public String modesSummary() {
        return constraints.modesSummary();
    }

    /** The modes this model runs: txt2img, img2img and inpaint need what {@link ModelConstraints#modes} says. */
    public java.util.Set<JobRequest.Mode> modes() {
        return constraints.modes();
    }

    /** The image sizes the loaded UNet takes are multiples of this. */
    public int unetSizeMultiple() {
        return constraints.sizeMultiple();
    }

    /** Nanoseconds spent inside runtime calls so far (the device's busy time). */
    public long busyNanos() {
        return calls.busyNanos();
    }

    /** Name of the loaded model, as completion events report it (e.g. "tiny-sd"). */
    public String modelName() {
        return modelName;
    }

    /** Identity of the runtime, as completion events report it (e.g. "onnxruntime-1.21.1/cpu"). */
    public String runtimeName() {
        return runtimes.unet().identity();
    }

    /**
     * The latent sizes of the UNet's static engines, smallest first; empty for a UNet that takes any size of its
     * multiple (the fleet catalog announces one or the other).
     */
    public List<LatentSize> engineSizes() {
        return runtimes.unet().staticSizes();
    }

    /** The schedulers this model's scheduler config can drive (at the default step count), for the catalog. */
    public List<io.sdfleet.common.SchedulerName> schedulers() {
        List<io.sdfleet.common.SchedulerName> out = new ArrayList<>();
        for (io.sdfleet.common.SchedulerName name : io.sdfleet.common.SchedulerName.values()) {
            if (constraints.unsupportedScheduler(name, io.sdfleet.common.JobRequestLimits.DEFAULT_STEPS).isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    /** The most images of one call ({@code SDFLEET_BATCH_MAX_IMAGES}, or the default). */
    public int maxBatchImages() {
        return settings.maxBatchImages();
    }

    /** Closes the runtimes; later calls throw IllegalStateException. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            runtimes.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("pipeline is closed");
        }
    }

    private static LatentSize commonSize(List<Trajectory> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a UNet call needs at least one image");
        }
        LatentSize size = batch.get(0).latentSize();
        for (Trajectory t : batch) {
            if (!t.latentSize().equals(size)) {
                throw new IllegalArgumentException(t + " (latent " + t.latentSize() + ") cannot share a UNet call"
                        + " with latent " + size);
            }
        }
        return size;
    }
}
