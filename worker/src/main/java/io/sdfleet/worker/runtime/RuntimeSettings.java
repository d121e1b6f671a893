package io.sdfleet.worker.runtime;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the model runtimes: which runtime runs the UNet, on which device, with which threads and
 * precision, and where the TensorRT engines are. Declared once ({@link #SETTINGS}), read from the
 * environment by {@link #read}, validated when constructed.
 *
 * <p>How the settings combine (the rules that link two of them are in {@link #checkRules}):
 * <ul>
 *   <li>{@code SDFLEET_RUNTIME} picks the UNet's runtime; the text encoder and the VAE always run on ONNX
 *       Runtime with {@code SDFLEET_ORT_PROVIDER}. So {@code tensorrt} with the default provider {@code cpu}
 *       is allowed (UNet on the GPU, text encoder and VAE on the CPU) but slow for the VAE: set the provider to
 *       {@code cuda} on a GPU node.</li>
 *   <li>{@code SDFLEET_RUNTIME=tensorrt} with {@code SDFLEET_ORT_PROVIDER=tensorrt} is refused: DJL 0.33's
 *       TensorRT engine links TensorRT 8 while ONNX Runtime 1.2x's TensorRT provider links TensorRT 10, and the
 *       two in one process share C++ symbol names; use {@code cuda} for the text encoder and VAE.</li>
 *   <li>With TensorRT UNet engines ({@code SDFLEET_RUNTIME=tensorrt}, or {@code SDFLEET_ORT_PROVIDER=tensorrt})
 *       every latent size in {@code SDFLEET_TRT_PROFILES} needs an engine of batch 2 or more: classifier-free
 *       guidance puts two UNet items per image.</li>
 *   <li>The thread counts matter for the cpu provider; GPU providers run kernels on the device and use them
 *       only for the few operators left on the CPU. Not refused, documented.</li>
 *   <li>{@code SDFLEET_TRT_PROFILES} and {@code SDFLEET_TRT_FIXED_BATCH} are read by the tensorrt runtime and the
 *       tensorrt provider; {@code SDFLEET_TRT_ENGINE_DIR} by the tensorrt runtime only (DJL loads engines built
 *       by tools/build-trt-engines.sh); {@code SDFLEET_ORT_TRT_CACHE_DIR} by the tensorrt provider only (ONNX
 *       Runtime builds the engines itself, at start). Set elsewhere they have no effect.</li>
 * </ul>
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
 * @param fixedEngineBatch with kind=tensorrt, run every UNet call of a size on that size's largest engine
 *     (bytes independent of the batch) rather than the smallest that fits; default {@link #DEFAULT_FIXED_BATCH}
 *     ({@link EngineBatchPolicy})
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
        EngineProfiles engineProfiles,
        boolean fixedEngineBatch) {

    public static final RuntimeKind DEFAULT_KIND = RuntimeKind.ONNXRUNTIME;
    public static final OrtProvider DEFAULT_ORT_PROVIDER = OrtProvider.CPU;
    public static final int DEFAULT_DEVICE_ID = 0;
    public static final int MAX_DEVICE_ID = 63;
    public static final int DEFAULT_THREADS = 0;
    public static final int MAX_THREADS = 1024;
    public static final boolean DEFAULT_FP16 = true;
    public static final String DEFAULT_ENGINE_PROFILES = "1x64x64,2x64x64,4x64x64,8x64x64";
    public static final boolean DEFAULT_FIXED_BATCH = true;
    /** The smallest largest-engine batch per latent size: guidance runs two UNet items per image. */
    static final int MIN_LARGEST_ENGINE_BATCH = 2;

    public static final Setting<RuntimeKind> KIND = Setting.of("SDFLEET_RUNTIME", RuntimeKind.class, DEFAULT_KIND,
            DEFAULT_KIND.configValue(), "onnxruntime, tensorrt",
            "Runtime of the UNet (the text encoder and VAE always run on ONNX Runtime with SDFLEET_ORT_PROVIDER).",
            RuntimeKind::fromConfig);
    public static final Setting<OrtProvider> ORT_PROVIDER = Setting.of("SDFLEET_ORT_PROVIDER", OrtProvider.class,
            DEFAULT_ORT_PROVIDER, DEFAULT_ORT_PROVIDER.configValue(), "cpu, cuda, tensorrt",
            "ONNX Runtime execution provider of the text encoder, the VAE and (with SDFLEET_RUNTIME=onnxruntime) the"
                    + " UNet; cuda and tensorrt need the onnxruntime_gpu jar (the -trt10 image) and NVIDIA's CUDA 12,"
                    + " cuDNN 9 (and TensorRT 10) libraries. tensorrt builds the UNet as TensorRT engines, one per"
                    + " SDFLEET_TRT_PROFILES entry, at start (the text encoder and VAE then run on cuda), and cannot be"
                    + " combined with SDFLEET_RUNTIME=tensorrt.",
            OrtProvider::fromConfig);
    public static final Setting<Integer> DEVICE_ID = Setting.integer("SDFLEET_DEVICE_ID", DEFAULT_DEVICE_ID, 0,
            MAX_DEVICE_ID, "GPU ordinal the cuda/tensorrt provider and the tensorrt runtime use (ignored on the CPU).");
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.integer("SDFLEET_ORT_INTRA_OP_THREADS",
            DEFAULT_THREADS, 0, MAX_THREADS, "ONNX Runtime threads inside one operator, 0 = ONNX Runtime's choice"
                    + " (all cores); matters for the cpu provider (set it to the pod's CPU limit), barely on a GPU.");
    public static final Setting<Integer> INTER_OP_THREADS = Setting.integer("SDFLEET_ORT_INTER_OP_THREADS",
            DEFAULT_THREADS, 0, MAX_THREADS, "ONNX Runtime threads running independent operators in parallel,"
                    + " 0 = ONNX Runtime's choice; matters for the cpu provider only.");
    public static final Setting<Boolean> FP16 = Setting.bool("SDFLEET_FP16", DEFAULT_FP16,
            "Build TensorRT engines in half precision (ONNX Runtime's tensorrt provider and DJL engines built from"
                    + " .onnx files; a prebuilt .plan keeps the precision it was built with).");
    public static final Setting<Path> TRT_CACHE_DIR = Setting.of("SDFLEET_ORT_TRT_CACHE_DIR", Path.class, null,
            "<java.io.tmpdir>/sdfleet-trt-cache", "a folder path",
            "Folder where ONNX Runtime's tensorrt provider keeps the UNet engines and TensorRT's timing cache it"
                    + " builds, so a restart reuses them (put it on a persistent volume, one per GPU model and image"
                    + " version: a cache of another TensorRT version or GPU model stops the worker at start).",
            RuntimeSettings::parsePath);
    public static final Setting<Path> ENGINE_DIR = Setting.of("SDFLEET_TRT_ENGINE_DIR", Path.class, null,
            "<SDFLEET_MODEL_DIR>/unet/trt", "a folder path",
            "Folder of the UNet's TensorRT engines for SDFLEET_RUNTIME=tensorrt, one unet-b<B>-h<H>-w<W>.plan"
                    + " (or .trt, or static-shape .onnx) per profile.", RuntimeSettings::parsePath);
    public static final Setting<EngineProfiles> ENGINE_PROFILES = Setting.of("SDFLEET_TRT_PROFILES",
            EngineProfiles.class, EngineProfiles.parse(DEFAULT_ENGINE_PROFILES), DEFAULT_ENGINE_PROFILES,
            "comma-separated BxHxW, batch 1.." + EngineProfile.MAX_BATCH + ", latent sides 1.." + EngineProfile.MAX_SIDE,
            "The TensorRT UNet engines (SDFLEET_RUNTIME=tensorrt, or SDFLEET_ORT_PROVIDER=tensorrt) to load or build,"
                    + " each batch x latent height x latent width (latent = image size / 8, so 1x64x64 is one UNet item"
                    + " of a 512x512 image; guidance needs two items per image).",
            EngineProfiles::parse);
    public static final Setting<Boolean> FIXED_BATCH = Setting.bool("SDFLEET_TRT_FIXED_BATCH", DEFAULT_FIXED_BATCH,
            "true: every UNet call of an image size runs on that size's largest TensorRT engine, so an image's bytes"
                    + " never depend on its batch (the tensorrt provider then builds only those engines); false: the"
                    + " smallest engine that fits (faster on partial batches, but the same request may give different"
                    + " bytes alone and inside a batch).");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(KIND, ORT_PROVIDER, DEVICE_ID, INTRA_OP_THREADS,
            INTER_OP_THREADS, FP16, TRT_CACHE_DIR, ENGINE_DIR, ENGINE_PROFILES, FIXED_BATCH);

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
                EngineProfiles.parse(DEFAULT_ENGINE_PROFILES), DEFAULT_FIXED_BATCH);
    }

    /**
     * Reads these settings into a shared reader and applies {@link #checkRules}; a bad value is recorded and
     * its default used, so call {@link ConfigReader#throwIfInvalid()} before using the result.
     */
    public static RuntimeSettings read(ConfigReader reader) {
        RuntimeSettings settings = new RuntimeSettings(reader.get(KIND), reader.get(ORT_PROVIDER),
                reader.get(DEVICE_ID), reader.get(INTRA_OP_THREADS), reader.get(INTER_OP_THREADS), reader.get(FP16),
                Optional.ofNullable(reader.get(TRT_CACHE_DIR)), Optional.ofNullable(reader.get(ENGINE_DIR)),
                reader.get(ENGINE_PROFILES), reader.get(FIXED_BATCH));
        checkRules(reader, settings);
        return settings;
    }

    /** Every rule that links two runtime settings, in one place (see the class comment for why). */
    static void checkRules(ConfigReader reader, RuntimeSettings s) {
        if (s.kind == RuntimeKind.TENSORRT && s.ortProvider == OrtProvider.TENSORRT) {
            reader.problem(ORT_PROVIDER, "cannot be tensorrt with " + KIND.name() + "=tensorrt: DJL's TensorRT"
                    + " engine (TensorRT 8) and ONNX Runtime's TensorRT provider (TensorRT 10) cannot share a"
                    + " process; use cuda for the text encoder and VAE");
        }
        if (s.usesTensorRtEngines()) {
            List<String> tooSmall = s.engineProfiles.largestPerSize().stream()
                    .filter(p -> p.batch() < MIN_LARGEST_ENGINE_BATCH).map(p -> p.height() + "x" + p.width()).toList();
            if (!tooSmall.isEmpty()) {
                reader.problem(ENGINE_PROFILES, "with TensorRT UNet engines (" + KIND.name() + "=tensorrt or "
                        + ORT_PROVIDER.name() + "=tensorrt) every latent size needs an engine"
                        + " of batch " + MIN_LARGEST_ENGINE_BATCH + " or more (guidance runs two UNet items per"
                        + " image); latent size(s) " + String.join(", ", tooSmall) + " have none");
            }
        }
    }

    public RuntimeSettings withKind(RuntimeKind newKind) {
        return new RuntimeSettings(newKind, ortProvider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, engineDir, engineProfiles, fixedEngineBatch);
    }

    public RuntimeSettings withOrtProvider(OrtProvider provider) {
        return new RuntimeSettings(kind, provider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, engineDir, engineProfiles, fixedEngineBatch);
    }

    public RuntimeSettings withThreads(int intraOp, int interOp) {
        return new RuntimeSettings(kind, ortProvider, deviceId, intraOp, interOp, fp16, tensorRtCacheDir,
                engineDir, engineProfiles, fixedEngineBatch);
    }

    public RuntimeSettings withEngines(Path dir, EngineProfiles profiles) {
        return new RuntimeSettings(kind, ortProvider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, Optional.of(dir), profiles, fixedEngineBatch);
    }

    public RuntimeSettings withFixedEngineBatch(boolean fixed) {
        return new RuntimeSettings(kind, ortProvider, deviceId, intraOpThreads, interOpThreads, fp16,
                tensorRtCacheDir, engineDir, engineProfiles, fixed);
    }

    /**
     * The UNet runs on static-shape TensorRT engines, one per {@link #engineProfiles()} entry: DJL's TensorRT 8 engines
     * (kind tensorrt) or engines that ONNX Runtime's TensorRT provider builds (kind onnxruntime, provider tensorrt).
     */
    public boolean usesTensorRtEngines() {
        return kind == RuntimeKind.TENSORRT || ortProvider == OrtProvider.TENSORRT;
    }

    /** How the UNet's TensorRT engines are picked for a call ({@link #fixedEngineBatch()}). */
    public EngineBatchPolicy engineBatchPolicy() {
        return fixedEngineBatch ? EngineBatchPolicy.FIXED : EngineBatchPolicy.SMALLEST_FITTING;
    }

    /** The TensorRT provider's engine cache folder, defaulted. */
    public Path effectiveTensorRtCacheDir() {
        return tensorRtCacheDir.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "sdfleet-trt-cache"));
    }

    private static Path parsePath(String raw) {
        String value = raw.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty; unset it for the default folder");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a usable path: " + e.getReason());
        }
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", was " + value);
        }
    }
}
