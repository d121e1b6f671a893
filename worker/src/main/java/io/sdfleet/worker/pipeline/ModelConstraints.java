package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import io.sdfleet.common.JobRequest.Mode;
import io.sdfleet.common.ObjectReference;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;

/**
 * What the loaded model and runtime can run, checked before any runtime call, so that a job failing a known
 * constraint (size multiple, engine sizes, scheduler config) fails on its own and never reaches the runtime;
 * and the two things derived from those constraints: how many UNet items one call may hold at a size
 * ({@link #maxItems}), and the one known-good request of the worker ({@link #probe()}: its warm-up and the
 * device fault policy's evidence that the device works).
 *
 * <p>Immutable apart from the UNet it asks for its limits; the device thread only.
 */
final class ModelConstraints {
    /** The probe's prompt: short, common words, guided, so that it takes the path real jobs take. */
    static final String PROBE_PROMPT = "device probe";

    private final String modelName;
    private final SchedulerConfig schedulerConfig;
    private final ImageSizeRule sizeRule;
    private final UNetRuntime unet;
    private final int maxBatchImages;
    private final boolean hasVaeEncoder;
    private final Set<Mode> modes;

    ModelConstraints(String modelName, SchedulerConfig schedulerConfig, ImageSizeRule sizeRule, UNetRuntime unet,
            int maxBatchImages, boolean hasVaeEncoder) {
        this.modelName = modelName;
        this.schedulerConfig = schedulerConfig;
        this.sizeRule = sizeRule;
        this.unet = unet;
        this.maxBatchImages = maxBatchImages;
        this.hasVaeEncoder = hasVaeEncoder;
        this.modes = modes(unet.inputChannels() == UNetRuntime.INPAINT_CHANNELS, hasVaeEncoder);
    }

    /**
     * The modes a model runs: pictures need the VAE encoder; an inpainting UNet (9 channels) runs inpainting only,
     * as diffusers' StableDiffusionInpaintPipeline is the only pipeline that feeds it.
     */
    static Set<Mode> modes(boolean inpaintingUNet, boolean hasVaeEncoder) {
        if (!hasVaeEncoder) {
            return inpaintingUNet ? EnumSet.noneOf(Mode.class) : EnumSet.of(Mode.TXT2IMG);
        }
        return inpaintingUNet ? EnumSet.of(Mode.INPAINT) : EnumSet.allOf(Mode.class);
    }

    /** The modes this model runs. */
    Set<Mode> modes() {
        return Collections.unmodifiableSet(modes);
    }

    /** One line for the start log: what this model runs, and what a job of another mode would need. */
    String modesSummary() {
        String runs = "model " + modelName + " runs " + modes.stream().map(Mode::wireName).toList();
        if (modes.equals(EnumSet.of(Mode.TXT2IMG))) {
            return runs + "; img2img and inpaint jobs need vae_encoder/model.onnx and will fail UNSUPPORTED_MODE";
        }
        if (modes.equals(EnumSet.of(Mode.INPAINT))) {
            return runs + " (an inpainting UNet); txt2img and img2img jobs will fail UNSUPPORTED_MODE";
        }
        return runs;
    }

    /** Why the model cannot run the job's mode, if it cannot. */
    Optional<ErrorInfo> unsupportedMode(JobRequest job) {
        Mode mode = job.mode();
        if (modes.contains(mode)) {
            return Optional.empty();
        }
        String why = !hasVaeEncoder
                ? "model " + modelName + " has no vae_encoder/model.onnx, which " + mode.wireName() + " needs"
                : "model " + modelName + " has an inpainting UNet (9 input channels), which runs inpaint jobs only"
                        + " (initImage and maskImage)";
        return Optional.of(ErrorCode.UNSUPPORTED_MODE.error(why + "; it runs "
                + modes.stream().map(Mode::wireName).toList()));
    }

    /** A caller bug when violated: the worker validates requests before they reach the device. */
    static void requireRunnable(JobRequest job) {
        if (job.seed() == null) {
            throw new IllegalArgumentException("job " + job.jobId() + " has no seed (the worker must validate "
                    + "requests with RequestValidator.validateForWorker before running them)");
        }
        if (job.numImages() < 1 || job.numImages() > JobRequestLimits.MAX_NUM_IMAGES) {
            throw new IllegalArgumentException("job " + job.jobId() + " asks for " + job.numImages()
                    + " images, expected 1.." + JobRequestLimits.MAX_NUM_IMAGES);
        }
        if (job.prompt() == null) {
            throw new IllegalArgumentException("job " + job.jobId() + " has no prompt");
        }
    }

    /** Why the job cannot run on this model, if it cannot: its mode, its size, then its scheduler. */
    Optional<ErrorInfo> unsupported(JobRequest job) {
        return unsupportedMode(job).or(() -> unsupportedSize(job))
                .or(() -> unsupportedScheduler(job.scheduler(), job.steps()));
    }

    /** The scheduler cannot be built from this model's config, or cannot lay out this many steps. */
    Optional<ErrorInfo> unsupportedScheduler(SchedulerName scheduler, int steps) {
        try {
            Schedulers.create(scheduler, schedulerConfig).setTimesteps(steps);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(ErrorCode.UNSUPPORTED_SCHEDULER.error("scheduler " + scheduler.wireName() + " with "
                    + steps + " steps cannot run with model " + modelName + "'s scheduler config: " + e.getMessage()));
        }
    }

    /** The job's size is not a multiple of the UNet's ({@link ImageSizeRule}), or no engine serves it. */
    Optional<ErrorInfo> unsupportedSize(JobRequest job) {
        Optional<String> violation = sizeRule.violation(job.width(), job.height());
        if (violation.isPresent()) {
            return Optional.of(ErrorCode.UNSUPPORTED_SIZE.error(violation.get() + " (model " + modelName + ")"));
        }
        LatentSize size = LatentSize.ofImage(job.width(), job.height());
        if (maxItems(size) >= ImageItems.itemsPerImage(job.guidanceScale())) {
            return Optional.empty();
        }
        return Optional.of(ErrorCode.UNSUPPORTED_SIZE.error("the " + unet.identity() + " UNet of model " + modelName
                + " has no engine for " + job.width() + "x" + job.height() + " images"));
    }

    /** The image sizes the loaded UNet takes are multiples of this. */
    int sizeMultiple() {
        return sizeRule.multiple();
    }

    /**
     * The most UNet items one call may hold at this latent size: twice the image limit (a guided image is two
     * items: unconditional and conditional), and for a static-shape UNet ({@link UNetRuntime#maxBatch}) at
     * most its largest engine batch; 0 when the UNet cannot run the size at all.
     */
    int maxItems(LatentSize size) {
        return maxItems(maxBatchImages, unet.maxBatch(size.height(), size.width()));
    }

    /** {@link #maxItems(LatentSize)} from the setting and the UNet's batch limit (empty = none). */
    static int maxItems(int maxBatchImages, OptionalInt unetMaxBatch) {
        int byImages = 2 * maxBatchImages;
        return unetMaxBatch.isPresent() ? Math.min(byImages, unetMaxBatch.getAsInt()) : byImages;
    }

    /**
     * The worker's one known-good request: a guided, one-step image of a benign prompt at the smallest size
     * this model and runtime serve (the size multiple's smallest square, or for static engines the smallest
     * engine size that fits the size rule). It is the warm-up at start and, when a call fails, the fault
     * policy's evidence that the device still runs real work's path; a failure here is not a size's fault.
     */
    JobInput probe() {
        List<LatentSize> engines = unet.staticSizes();
        int width = sizeRule.smallestSide();
        int height = width;
        for (LatentSize size : engines) { // sorted smallest first
            if (sizeRule.violation(size.imageWidth(), size.imageHeight()).isEmpty() && maxItems(size) >= 2) {
                width = size.imageWidth();
                height = size.imageHeight();
                break;
            }
        }
        JobRequest.Builder probe = JobRequest.builder(PROBE_PROMPT).jobId("device-probe").seed(0L).steps(1)
                .size(width, height);
        if (modes.contains(Mode.TXT2IMG)) {
            return JobInput.txt2img(probe.build());
        }
        // An inpainting-only model: a mid-grey picture with its right half to repaint, at strength 1. Never
        // fetched: the reference only marks the request as inpainting.
        ObjectReference none = new ObjectReference("inputs/device-probe", "0".repeat(64));
        float[] init = new float[3 * width * height];
        float[] mask = new float[width * height];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % width >= width / 2 ? 1f : 0f;
        }
        return new JobInput(probe.initImage(none).maskImage(none).strength(1.0).build(),
                new JobPictures(init, mask, width, height));
    }
}
