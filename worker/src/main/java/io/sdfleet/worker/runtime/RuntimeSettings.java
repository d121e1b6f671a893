package io.sdfleet.worker.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the model runtimes, validated when constructed.
 *
 * <p>Each component: its meaning, default (a named constant) and range.
 *
 * @param kind which runtime runs the UNet ({@code onnxruntime} | {@code tensorrt}); default
 *     {@link #DEFAULT_KIND}
 * @param ortProvider ONNX Runtime execution provider for the text encoder, the VAE and (with
 *     kind=onnxruntime) the UNet ({@code cpu} | {@code cuda} | {@code tensorrt}); default {@link #DEFAULT_ORT_PROVIDER}
 * @param deviceId GPU ordinal used by cuda/tensorrt, 0..63; default {@link #DEFAULT_DEVICE_ID}
 * @param intraOpThreads ONNX Runtime threads inside one operator, 0 = ONNX Runtime's choice (all cores),
 *     0..1024; default {@link #DEFAULT_THREADS}
 * @param interOpThreads ONNX Runtime threads across operators, 0 = ONNX Runtime's choice, 0..1024;
 *     default {@link #DEFAULT_THREADS}
 * @param fp16 build TensorRT engines (either runtime) in half precision; default {@link #DEFAULT_FP16}
 * @param tensorRtCacheDir folder where ONNX Runtime's TensorRT provider keeps built engines; empty =
 *     {@code <java.io.tmpdir>/sdfleet-trt-cache}
 * @param engineDir folder of the DJL TensorRT engines, one file per profile
 *     ({@link EngineProfile#fileName}); empty = {@code <model>/unet/trt}
 * @param engineProfiles the (batch, latent height, latent width) profiles to load with kind=tensorrt;
 *     default {@link #DEFAULT_ENGINE_PROFILES}
 */
public record RuntimeSettings(
        RuntimeKind kind,
        OrtProvider ortProvider,
        int deviceId,
        int intraOpThreads,
        int interOpThreads,
        boolean fp16,
        Optional<Path> tensorRtCacheDir,
        Optional<Path> engineDir,
        EngineProfiles engineProfiles) {

    public static final RuntimeKind DEFAULT_KIND = RuntimeKind.ONNXRUNTIME;
    public static final OrtProvider DEFAULT_ORT_PROVIDER = OrtProvider.CPU;
    public static final int DEFAULT_DEVICE_ID = 0;
    public static final int MAX_DEVICE_ID = 63;
    public static final int DEFAULT_THREADS = 0;
    public static final int MAX_THREADS = 1024;
    public static final boolean DEFAULT_FP16 = true;
    public static final String DEFAULT_ENGINE_PROFILES = "1x64x64,2x64x64,4x64x64,8x64x64";

    public RuntimeSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ortProvider, "ortProvider");
        Objects.requireNonNull(tensorRtCacheDir, "tensorRtCacheDir");
        Objects.requireNonNull(engineDir, "engineDir");
        Objects.requireNonNull(engineProfiles, "engineProfiles");
        requireRange("deviceId", deviceId, 0, MAX_DEVICE_ID);
        requireRange("intraOpThreads", intraOpThreads, 0, MAX_THREADS);
        requireRange("interOpThreads", interOpThreads, 0, MAX_THREADS);
    }

    /** Every setting at its default: ONNX Runtime on the CPU. */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings(DEFAULT_KIND, DEFAULT_ORT_PROVIDER, DEFAULT_DEVICE_ID, DEFAULT_THREADS,
                DEFAULT_THREADS, DEFAULT_FP16, Optional.empty(), Optional.empty(),
                EngineProfiles.parse(DEFAULT_ENGINE_PROFILES));
    }

    public RuntimeSettings withKind(RuntimeKind newKind) {
        return new RuntimeSettings(newKind, ortProvider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, engineDir, engineProfiles);
    }

    public RuntimeSettings withOrtProvider(OrtProvider provider) {
        return new RuntimeSettings(kind, provider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, engineDir, engineProfiles);
    }

    public RuntimeSettings withThreads(int intraOp, int interOp) {
        return new RuntimeSettings(kind, ortProvider, deviceId, intraOp, interOp, fp16, tensorRtCacheDir,
                engineDir, engineProfiles);
    }

    public RuntimeSettings withEngines(Path dir, EngineProfiles profiles) {
        return new RuntimeSettings(kind, ortProvider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, Optional.of(dir), profiles);
    }

    /** The TensorRT provider's engine cache folder, defaulted. */
    public Path effectiveTensorRtCacheDir() {
        return tensorRtCacheDir.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "sdfleet-trt-cache"));
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", was " + value);
        }
    }
}
