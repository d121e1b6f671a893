package io.sdfleet.worker.pipeline;

/**
 * The {@link io.sdfleet.common.ErrorInfo#code()}s of jobs the pipeline fails for their own reasons (the rest
 * of the batch still runs). Public API: completion events carry them and upstream services branch on them;
 * add codes, never rename one. Device failures are not job errors: they are {@link DeviceFault}s and the
 * jobs are delivered again. A runtime failure is a job's error only when the job fails alone while the
 * device demonstrably works ({@link #MODEL_ERROR}, decided by {@link FaultIsolation}).
 */
public final class JobErrorCodes {
    /** The prompt or negative prompt could not be tokenized. */
    public static final String PROMPT_NOT_ENCODABLE = "PROMPT_NOT_ENCODABLE";
    /** The requested scheduler cannot be driven with this model's scheduler_config.json and step count. */
    public static final String UNSUPPORTED_SCHEDULER = "UNSUPPORTED_SCHEDULER";
    /**
     * The loaded UNet cannot run this image size: a side is not a multiple of the model's size multiple
     * (64 pixels for SD 1.x; the message names it and the nearest sizes that run), or no TensorRT engine
     * profile serves the size. Checked before any runtime call.
     */
    public static final String UNSUPPORTED_SIZE = "UNSUPPORTED_SIZE";
    /**
     * A model runtime call failed on this job even when the job ran alone, while the same device ran other
     * jobs of its batch or a known-good probe: the job is an input this model cannot process. The message
     * names the runtime's error briefly. Retrying the same request will fail the same way.
     */
    public static final String MODEL_ERROR = "MODEL_ERROR";

    private JobErrorCodes() {
    }
}
