package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the loaded model and runtime can run, checked before any runtime call, so that a job failing a known
 * constraint (size multiple, engine sizes, scheduler config) fails on its own and never reaches the runtime.
 * Split out of {@link StableDiffusionPipeline} because both the batch run and the fault-isolation probe ask
 * the same questions.
 *
 * <p>Immutable apart from the UNet it asks for its batch limit; the device thread only.
 */
final class ModelConstraints {
    private final String modelName;
    private final SchedulerConfig schedulerConfig;
    private final ImageSizeRule sizeRule;
    private final UNetRuntime unet;
    private final int maxBatchImages;

    ModelConstraints(String modelName, SchedulerConfig schedulerConfig, ImageSizeRule sizeRule, UNetRuntime unet,
            int maxBatchImages) {
        this.modelName = modelName;
        this.schedulerConfig = schedulerConfig;
        this.sizeRule = sizeRule;
        this.unet = unet;
        this.maxBatchImages = maxBatchImages;
    }

    /** A caller bug when violated: the worker validates requests before batching them. */
    static void requireRunnable(JobRequest job) {
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
    Optional<ErrorInfo> unsupportedScheduler(BatchShape shape) {
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
    Optional<ErrorInfo> unsupportedSize(JobRequest job) {
        Optional<String> violation = sizeRule.violation(job.width(), job.height());
        if (violation.isPresent()) {
            return Optional.of(new ErrorInfo(JobErrorCodes.UNSUPPORTED_SIZE, violation.get() + " (model " + modelName
                    + ")"));
        }
        BatchShape shape = BatchShape.of(job);
        if (imagesPerChunk(shape).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new ErrorInfo(JobErrorCodes.UNSUPPORTED_SIZE, "the " + unet.identity() + " UNet of model "
                + modelName + " has no engine for " + shape.width() + "x" + shape.height() + " images"));
    }

    /** The smallest image side the UNet takes (the warm-up's size). */
    int smallestSide() {
        return sizeRule.smallestSide();
    }

    /** The image sizes the loaded UNet takes are multiples of this. */
    int sizeMultiple() {
        return sizeRule.multiple();
    }

    /**
     * How many images one chunk may hold at this size: the setting, and for a static-shape UNet
     * ({@link UNetRuntime#maxBatch}) also half its largest batch (guidance doubles the UNet batch); empty when
     * the UNet cannot run the size at all.
     */
    OptionalInt imagesPerChunk(BatchShape shape) {
        return imagesPerChunk(maxBatchImages, unet.maxBatch(shape.latentHeight(), shape.latentWidth()));
    }

    /** {@link #imagesPerChunk(BatchShape)} from the setting and the UNet's batch limit (empty = none). */
    static OptionalInt imagesPerChunk(int maxBatchImages, OptionalInt unetMaxBatch) {
        if (unetMaxBatch.isEmpty()) {
            return OptionalInt.of(maxBatchImages);
        }
        int images = Math.min(maxBatchImages, unetMaxBatch.getAsInt() / 2);
        return images >= 1 ? OptionalInt.of(images) : OptionalInt.empty();
    }
}
