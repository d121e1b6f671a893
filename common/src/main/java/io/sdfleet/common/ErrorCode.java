package io.sdfleet.common;

/**
 * The catalogue of {@link ErrorInfo#code()}s a completion can carry: why a valid job did not succeed. One
 * place for every code the fleet writes; the README's table is generated from it ({@link ErrorCodeTable})
 * and a test holds the two together.
 *
 * <p>Public API: upstream services branch on these codes. Add constants, never rename one. None of these
 * jobs is delivered again: the same request on the same kind of worker would fail the same way (a transient
 * problem, such as the object store being down, is retried and never becomes a code). Records that are not
 * valid requests get no completion at all: they go to the DLQ with a {@link FailureReason}.
 */
public enum ErrorCode {
    /** EXPIRED: the job had not started when its {@code deadline} passed; nothing was generated. */
    DEADLINE_EXCEEDED(CompletionStatus.EXPIRED, "The job's `deadline` passed before a worker started it;"
            + " nothing was generated."),
    /** The record names a model this worker does not serve (it was put on another model's topic). */
    MODEL_NOT_SERVED(CompletionStatus.FAILED, "The request names a model the worker that took it does not serve"
            + " (a record put on another model's topic by hand); the message names both models. Nothing was"
            + " generated: a job never runs on another model. Send it to its model's topic (the producer library"
            + " and CLI route by `model`)."),
    /** The loaded UNet cannot run this image size (size multiple, or no TensorRT engine for it). */
    UNSUPPORTED_SIZE(CompletionStatus.FAILED, "The model's UNet cannot run this size: a side is not a multiple"
            + " of what its `unet/config.json` implies (64 px for SD 1.x; the message proposes the nearest sizes),"
            + " or no TensorRT engine profile serves it. Checked before any model call."),
    /** The model's scheduler config cannot drive the requested scheduler with this step count. */
    UNSUPPORTED_SCHEDULER(CompletionStatus.FAILED, "The requested scheduler cannot be driven with this model's"
            + " `scheduler_config.json` and step count."),
    /** The prompt or negative prompt could not be tokenized. */
    PROMPT_NOT_ENCODABLE(CompletionStatus.FAILED, "The prompt or the negative prompt could not be tokenized."),
    /** A runtime call failed on this job alone, twice, while the device demonstrably worked. */
    MODEL_ERROR(CompletionStatus.FAILED, "A model call failed on this job run alone, twice, while the same device"
            + " ran other jobs or a known-good probe: an input this model cannot process (one poison request"
            + " cannot stop the fleet). The message names the runtime's error."),
    /** The job ran out of device or Java memory each time it ran alone, while the probe ran. */
    RESOURCE_EXHAUSTED(CompletionStatus.FAILED, "The job ran out of device (or Java heap) memory each of the two"
            + " times it ran alone, while a known-good probe ran: it needs more memory than the worker has;"
            + " smaller sizes or fewer images may run."),
    /** The job's initImage or maskImage object does not exist. */
    INIT_IMAGE_NOT_FOUND(CompletionStatus.FAILED, "The object named by `initImage` or `maskImage` does not exist in"
            + " the worker's bucket (upload it first; the producer library does)."),
    /** The picture's bytes do not have the sha256 the request names. */
    INIT_IMAGE_MISMATCH(CompletionStatus.FAILED, "The bytes of `initImage` or `maskImage` do not have the request's"
            + " `sha256`: the object was overwritten or the reference is wrong. Nothing is drawn from other bytes."),
    /** The picture is not a PNG or JPEG the worker can read within its limits. */
    INIT_IMAGE_INVALID(CompletionStatus.FAILED, "`initImage` or `maskImage` is not a readable PNG or JPEG, is larger"
            + " than the worker's input limits (bytes, side, pixels; checked on the header, before decoding), or"
            + " the mask's size differs from the picture's. The message names which."),
    /** The worker's model cannot run this mode (no VAE encoder for img2img, say). */
    UNSUPPORTED_MODE(CompletionStatus.FAILED, "The worker's model cannot run this mode: img2img and inpainting need"
            + " `vae_encoder/model.onnx`; the message names what is missing. Never run as another mode."),
    /** The object store refused the image for good (not an outage, which is retried). */
    STORE_REJECTED(CompletionStatus.FAILED, "The object store refused the image for good (an outage is retried,"
            + " never a code).");

    private final CompletionStatus status;
    private final String description;

    ErrorCode(CompletionStatus status, String description) {
        this.status = status;
        this.description = description;
    }

    /** The stable code written to completions; equal to {@link #name()}. */
    public String code() {
        return name();
    }

    /** The status of a completion with this code (EXPIRED for {@link #DEADLINE_EXCEEDED}, else FAILED). */
    public CompletionStatus status() {
        return status;
    }

    /** One or two sentences for the README's table (Markdown). */
    public String description() {
        return description;
    }

    /** The error of a completion: this code and a human-readable message. */
    public ErrorInfo error(String message) {
        return new ErrorInfo(code(), message);
    }
}
