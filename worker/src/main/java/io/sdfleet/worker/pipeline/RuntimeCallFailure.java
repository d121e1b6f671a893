package io.sdfleet.worker.pipeline;

import java.util.Objects;

/**
 * A call into a model runtime (text encoder, UNet, VAE) failed; {@link #kind()} says what kind of failure it
 * was, as far as the failure itself can tell. Whose fault it was (the jobs of the call, or the device) is not
 * decided here: that is the device stage's fault policy ({@code io.sdfleet.worker.device.DeviceFaultPolicy}),
 * which may re-run the call job by job and probe the device. Checked, so no caller can let it escape
 * unattributed.
 *
 * <p>The classification, from the failure alone ({@link RuntimeCalls} makes these):
 * <ul>
 *   <li>{@link Kind#UNATTRIBUTED}: a RuntimeException (DJL, ONNX Runtime and TensorRT report everything as
 *       one) with no sign of the device: a job's input the model cannot take, or a runtime fault;
 *   <li>{@link Kind#OUT_OF_MEMORY}: the Java heap ({@link OutOfMemoryError}) or device memory ("Failed to
 *       allocate memory", {@link DeviceSideErrors}) ran out: the call was too large, a smaller one may fit;
 *   <li>{@link Kind#DEVICE}: a CUDA/cuBLAS/cuDNN error: the device itself failed (its context may be unusable);
 *   <li>{@link Kind#BROKEN}: a {@link LinkageError} or another {@link VirtualMachineError}: the runtime cannot
 *       be used again in this process.
 * </ul>
 */
public final class RuntimeCallFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Longest runtime message carried into a job's error (ORT messages can hold whole node dumps). */
    static final int MAX_BRIEF_CHARS = 400;

    /** What the failure shows about its cause. */
    public enum Kind {
        UNATTRIBUTED,
        OUT_OF_MEMORY,
        DEVICE,
        BROKEN
    }

    private final String call;
    private final Kind kind;

    public RuntimeCallFailure(String call, Throwable failure, Kind kind) {
        super(call + " failed: " + failure, failure);
        this.call = Objects.requireNonNull(call, "call");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The call that failed, e.g. "UNet (6 items, latent 8x8)". */
    public String call() {
        return call;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The runtime's own message, first line only and at most {@value #MAX_BRIEF_CHARS} characters, for a job's
     * error message (no stack trace, no class dump).
     */
    public String brief() {
        Throwable cause = getCause();
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        text = text.strip();
        return text.length() <= MAX_BRIEF_CHARS ? text : text.substring(0, MAX_BRIEF_CHARS - 1) + "…";
    }
}
