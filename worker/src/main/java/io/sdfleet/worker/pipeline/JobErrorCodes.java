package io.sdfleet.worker.pipeline;

/**
 * The {@link io.sdfleet.common.ErrorInfo#code()}s of jobs the pipeline fails for their own reasons (the rest
 * of the batch still runs). Public API: completion events carry them and upstream services branch on them;
 * add codes, never rename one. Device and runtime failures are not job errors: they are
 * {@link DeviceFault}s and the jobs are delivered again.
 */
public final class JobErrorCodes {
    /** The prompt or negative prompt could not be tokenized. */
    public static final String PROMPT_NOT_ENCODABLE = "PROMPT_NOT_ENCODABLE";
    /** The requested scheduler cannot be driven with this model's scheduler_config.json and step count. */
    public static final String UNSUPPORTED_SCHEDULER = "UNSUPPORTED_SCHEDULER";
    /** The loaded UNet cannot run this image size (e.g. no TensorRT engine profile for it). */
    public static final String UNSUPPORTED_SIZE = "UNSUPPORTED_SIZE";

    private JobErrorCodes() {
    }
}
