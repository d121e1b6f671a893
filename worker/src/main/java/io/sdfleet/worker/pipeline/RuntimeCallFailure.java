package io.sdfleet.worker.pipeline;

/**
 * A model runtime call threw a {@link RuntimeException} ({@code InferenceException} from DJL, ONNX Runtime or
 * TensorRT, or a native shape error): the call failed, but it is not yet known whether the jobs or the device
 * are at fault.
 *
 * <p>What to do: the pipeline attributes it with one isolation pass ({@link FaultIsolation}) before it leaves
 * {@link StableDiffusionPipeline#run}: jobs that fail alone while the device demonstrably works fail with
 * {@link JobErrorCodes#MODEL_ERROR}; otherwise it becomes a {@link DeviceFault}
 * ({@link RuntimeCallGuard#deviceFault}). Checked, so no stage can let it escape unattributed. It is not
 * counted towards the fatal limit until it is attributed to the device.
 */
final class RuntimeCallFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Longest runtime message carried into a job's error (ORT messages can hold whole node dumps). */
    static final int MAX_BRIEF_CHARS = 400;

    private final String call;

    RuntimeCallFailure(String call, RuntimeException failure) {
        super(call + " failed: " + failure, failure);
        this.call = call;
    }

    /** The call that failed, e.g. "UNet step 1 of 2 (batch 2)". */
    String call() {
        return call;
    }

    /**
     * The runtime's own message, first line only and at most {@value #MAX_BRIEF_CHARS} characters, for a job's
     * error message (no stack trace, no class dump).
     */
    String brief() {
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
