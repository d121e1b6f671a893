package io.sdfleet.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TensorDim;
import io.sdfleet.worker.model.TensorSpec;
import io.sdfleet.worker.model.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The UNet on DJL's TensorRT engine: one static-shape engine per {@link EngineProfile}, loaded at start
 * from the engine folder ({@code unet-b<B>-h<H>-w<W>.plan}, {@code .trt}, or a static-shape
 * {@code .onnx} that TensorRT builds at load). A call runs the engine its {@link EngineBatchPolicy} picks
 * (by default the largest of the call's latent size, so bytes do not depend on the batch; or the smallest
 * that fits), padded with zero items and cut back to the caller's items ({@link EngineProfiles}).
 *
 * <p>DJL's TensorRT engine binds inputs by position, so they are passed in the order of diffusers'
 * export: sample, timestep (float32 {@code [batch]}, one value per item; TensorRT in DJL takes no int64),
 * encoder_hidden_states.
 *
 * <p>Failure: without TensorRT 8 libraries or a GPU, {@link #load} throws a ModelLoadException naming the
 * missing library ({@link TensorRtLibraries}). Threads: one caller at a time.
 *
 * <p>Selection, padding and cutting are plain Java over {@link StaticEngine}s, so they are tested with fake
 * engines and no GPU; only {@link DjlEngine} touches DJL.
 */
public final class TensorRtUNetRuntime implements UNetRuntime {
    static final List<String> ENGINE_EXTENSIONS = List.of("plan", "trt", "onnx");

    /**
     * One static-shape engine: runs exactly its profile's batch. Inputs are row-major and already padded;
     * the output is {@code [profile batch, 4, height, width]}.
     */
    interface StaticEngine extends AutoCloseable {
        float[] run(float[] sample, float[] timesteps, float[] encoderHiddenStates, int hiddenSize);

        @Override
        void close();
    }

    private final Map<EngineProfile, StaticEngine> engines;
    private final EngineProfiles profiles;
    private final EngineBatchPolicy policy;
    private final String identity;

    /** Takes ownership of the engines; there must be one per profile. */
    TensorRtUNetRuntime(Map<EngineProfile, StaticEngine> engines, EngineBatchPolicy policy, String identity) {
        this.engines = Map.copyOf(engines);
        this.profiles = new EngineProfiles(List.copyOf(engines.keySet()));
        this.policy = policy;
        this.identity = identity;
    }

    /**
     * @param unetOnnx the model folder's unet/model.onnx, whose tensors are checked (float32 timestep)
     * @param engineDir folder with one engine file per profile
     */
    public static TensorRtUNetRuntime load(Path unetOnnx, Path engineDir, RuntimeSettings settings)
            throws ModelLoadException {
        TensorRtLibraries.requireAvailable();
        OnnxSignature signature = OnnxSignatureReader.read(unetOnnx);
        SignatureCheck.require(signature, "UNet", OnnxRuntimeUNet.INPUTS, OnnxRuntimeUNet.OUTPUTS);
        if (signature.input(OnnxRuntimeUNet.TIMESTEP).orElseThrow().type() != TensorType.FLOAT32) {
            throw new ModelLoadException(unetOnnx + ": its timestep input is int64; DJL's TensorRT engine takes no "
                    + "int64 inputs. Re-export the UNet with a float32 timestep (current diffusers exports do), "
                    + "or use the onnxruntime runtime");
        }
        EngineProfiles profiles = settings.engineProfiles();
        Map<EngineProfile, Path> files = locate(engineDir, profiles);
        Map<EngineProfile, StaticEngine> engines = new LinkedHashMap<>();
        String identity = null;
        try {
            for (Map.Entry<EngineProfile, Path> e : files.entrySet()) {
                if (e.getValue().toString().endsWith(".onnx")) {
                    requireStaticShape(OnnxSignatureReader.read(e.getValue()), e.getKey());
                }
                DjlModelHandle handle = DjlModelHandle.loadTensorRt(e.getValue(), "unet-" + e.getKey(), settings);
                engines.put(e.getKey(), new DjlEngine(e.getKey(), handle));
                identity = handle.description();
            }
        } catch (ModelLoadException | RuntimeException e) {
            engines.values().forEach(StaticEngine::close);
            throw e;
        }
        return new TensorRtUNetRuntime(engines, settings.engineBatchPolicy(), identity);
    }

    /** The engine file of each profile; reports every missing one at once, with how to make it. */
    static Map<EngineProfile, Path> locate(Path engineDir, EngineProfiles profiles) throws ModelLoadException {
        Map<EngineProfile, Path> files = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (EngineProfile profile : profiles.all()) {
            Optional<Path> file = ENGINE_EXTENSIONS.stream().map(ext -> engineDir.resolve(profile.fileName(ext)))
                    .filter(Files::isRegularFile).findFirst();
            if (file.isPresent()) {
                files.put(profile, file.get());
            } else {
                missing.add(profile.fileName("plan"));
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("TensorRT engine folder " + engineDir + " lacks an engine for "
                    + missing.size() + " profile(s): " + String.join(", ", missing) + " (or .trt, or a static-shape "
                    + ".onnx that TensorRT builds at start). Build one per profile BxHxW from a fixed-shape export "
                    + "of the UNet, e.g. trtexec --onnx=unet-b2-h64-w64.onnx --saveEngine=unet-b2-h64-w64.plan "
                    + "--fp16 (tools/make_tiny_model.py --static-unet 2x64x64 writes such ONNX files for the "
                    + "tiny model)");
        }
        return files;
    }

    private static void requireStaticShape(OnnxSignature signature, EngineProfile profile) throws ModelLoadException {
        Map<String, long[]> expected = Map.of(
                OnnxRuntimeUNet.SAMPLE, new long[] {profile.batch(), LATENT_CHANNELS, profile.height(), profile.width()},
                OnnxRuntimeUNet.TIMESTEP, new long[] {profile.batch()});
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Optional<TensorSpec> spec = signature.input(e.getKey());
            long[] actual = spec.map(s -> s.dims().stream().mapToLong(TensorDim::size).toArray()).orElse(new long[0]);
            if (!Arrays.equals(actual, e.getValue())) {
                throw new ModelLoadException(signature.file() + " is named for profile " + profile + " but its input '"
                        + e.getKey() + "' is " + spec.map(TensorSpec::toString).orElse("missing") + ", expected fixed "
                        + Arrays.toString(e.getValue()) + " (TensorRT in DJL needs static shapes)");
            }
        }
    }

    @Override
    public float[] predictNoise(float[] sample, float[] timesteps, float[] encoderHiddenStates, int batch, int height,
            int width) {
        Shapes.requireLength("sample", sample, batch, LATENT_CHANNELS, height, width);
        UNetInputs.requireTimesteps(timesteps, batch);
        int hidden = UNetInputs.hiddenSize(encoderHiddenStates, batch);
        EngineProfile profile = engineFor(batch, height, width);
        int sampleItem = LATENT_CHANNELS * height * width;
        int statesItem = TextEncoderRuntime.SEQUENCE_LENGTH * hidden;
        int b = profile.batch();
        // Padding items get timestep 0 (their outputs are cut away); the engine's timestep input is [batch].
        float[] steps = Arrays.copyOf(timesteps, b);
        float[] noise = engines.get(profile).run(EngineProfiles.padBatch(sample, batch, b, sampleItem), steps,
                EngineProfiles.padBatch(encoderHiddenStates, batch, b, statesItem), hidden);
        Shapes.requireOutputLength("TensorRT UNet output", noise, b, LATENT_CHANNELS, height, width);
        return EngineProfiles.firstItems(noise, batch, sampleItem);
    }

    /** The engine a call of {@code batch} items at this latent size runs on (by this runtime's policy). */
    EngineProfile engineFor(int batch, int height, int width) {
        return policy.select(profiles, batch, height, width).orElseThrow(() -> new IllegalArgumentException(
                "no TensorRT engine serves batch " + batch + " at latent " + height + "x" + width + "; profiles: "
                        + profiles + " (the pipeline must not form larger batches than maxBatch)"));
    }

    @Override
    public OptionalInt maxBatch(int latentHeight, int latentWidth) {
        return OptionalInt.of(profiles.maxBatch(latentHeight, latentWidth));
    }

    @Override
    public List<LatentSize> staticSizes() {
        return profiles.all().stream().map(p -> new LatentSize(p.height(), p.width())).distinct().sorted().toList();
    }

    /** The profiles this runtime serves. */
    public EngineProfiles profiles() {
        return profiles;
    }

    /** A DJL TensorRT engine of one profile; inputs bound by position (see the class comment). */
    private record DjlEngine(EngineProfile profile, DjlModelHandle handle) implements StaticEngine {
        @Override
        public float[] run(float[] sample, float[] timesteps, float[] encoderHiddenStates, int hiddenSize) {
            // Native call: a failure becomes an InferenceException in DjlModelHandle.predict (the batch fails,
            // RuntimeCallGuard decides whether the worker stops).
            try (NDManager call = handle.newCallManager()) {
                int b = profile.batch();
                NDArray s = call.create(sample, new Shape(b, LATENT_CHANNELS, profile.height(), profile.width()));
                NDArray t = call.create(timesteps, new Shape(b));
                NDArray e = call.create(encoderHiddenStates, new Shape(b, TextEncoderRuntime.SEQUENCE_LENGTH, hiddenSize));
                NDList out = handle.predict(new NDList(s, t, e));
                return out.get(0).toFloatArray();
            }
        }

        @Override
        public void close() {
            handle.close();
        }
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public void close() {
        engines.values().forEach(StaticEngine::close);
    }
}
