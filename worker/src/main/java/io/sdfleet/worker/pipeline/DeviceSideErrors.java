package io.sdfleet.worker.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises runtime failures that are the device's by what the native runtime says, so that fault isolation
 * never blames a job for them. DJL and ONNX Runtime give no exception type for these (everything arrives as
 * {@code InferenceException} / {@code EngineException} / {@code OrtException} with code {@code ORT_FAIL}), so
 * the message text of the failure and its causes is the only signal: a documented last resort, matched
 * case-insensitively against the substrings below, which are what ORT's CUDA provider, cuBLAS, cuDNN and the
 * CUDA runtime print.
 *
 * <ul>
 *   <li>{@link Kind#ALLOCATION}: device memory could not be allocated (ORT's "Failed to allocate memory", CUDA's
 *       "out of memory"). The device still works, a smaller call may fit: fault isolation still re-runs jobs
 *       alone and uses their results, but a job whose solo run fails this way is a device fault, never a
 *       MODEL_ERROR (a 1-step probe fitting in fragmented memory proves nothing about a real job).
 *   <li>{@link Kind#DEVICE}: a CUDA/cuBLAS/cuDNN error; the CUDA context may be unusable, so the call is a
 *       device fault at once, without isolation ({@link RuntimeCalls}).
 * </ul>
 *
 * <p>Stateless, thread-safe.
 */
final class DeviceSideErrors {

    /** What kind of device-side failure a message shows. */
    enum Kind {
        ALLOCATION,
        DEVICE
    }

    private static final List<String> ALLOCATION_MARKERS = List.of("failed to allocate memory", "out of memory",
            "cudaerrormemoryallocation", "cublas_status_alloc_failed", "cudnn_status_alloc_failed");
    private static final List<String> DEVICE_MARKERS = List.of("cuda error", "cuda failure", "cudaerror",
            "cublas_status_", "cudnn_status_", "cublas failure", "cudnn failure", "illegal memory access",
            "device-side assert");

    private DeviceSideErrors() {
    }

    /** The kind of device-side failure in {@code failure}'s message or its causes' messages, if any. */
    static Optional<Kind> classify(Throwable failure) {
        boolean device = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (ALLOCATION_MARKERS.stream().anyMatch(text::contains)) {
                return Optional.of(Kind.ALLOCATION);
            }
            device |= DEVICE_MARKERS.stream().anyMatch(text::contains);
        }
        return device ? Optional.of(Kind.DEVICE) : Optional.empty();
    }
}
