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

/**
 * The UNet on DJL's TensorRT engine: one static-shape engine per {@link EngineProfile}, loaded at start
 * from the engine folder ({@code unet-b<B>-h<H>-w<W>.plan}, {@code .trt}, or a static-shape
 * {@code .onnx} that TensorRT builds at load). A call runs the engine with the smallest batch that fits
 * and pads with zero items ({@link EngineProfiles}).
 *
 * <p>DJL's TensorRT engine binds inputs by position, so they are passed in the order of diffusers'
 * export: sample, timestep (float32 {@code [batch]}; TensorRT in DJL takes no int64),
 * encoder_hidden_states.
 *
 * <p>Failure: without TensorRT 8 libraries or a GPU, {@link #load} throws a ModelLoadException naming the
 * missing library ({@link TensorRtLibraries}). Threads: one caller at a time.
 */
public final class TensorRtUNetRuntime implements UNetRuntime {
    static final List<String> ENGINE_EXTENSIONS = List.of("plan", "trt", "onnx");

    private final Map<EngineProfile, DjlModelHandle> engines;
    private final EngineProfiles profiles;
    private final String identity;

    private TensorRtUNetRuntime(Map<EngineProfile, DjlModelHandle> engines, EngineProfiles profiles, String identity) {
        this.engines = engines;
        this.profiles = profiles;
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
        Map<EngineProfile, DjlModelHandle> engines = new LinkedHashMap<>();
        try {
            for (Map.Entry<EngineProfile, Path> e : files.entrySet()) {
                if (e.getValue().toString().endsWith(".onnx")) {
                    requireStaticShape(OnnxSignatureReader.read(e.getValue()), e.getKey());
                }
                engines.put(e.getKey(), DjlModelHandle.loadTensorRt(e.getValue(), "unet-" + e.getKey(), settings));
            }
        } catch (ModelLoadException | RuntimeException e) {
            engines.values().forEach(DjlModelHandle::close);
            throw e;
        }
        String identity = engines.values().iterator().next().description();
        return new TensorRtUNetRuntime(Map.copyOf(engines), profiles, identity);
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
    public float[] predictNoise(float[] sample, float timestep, float[] encoderHiddenStates, int batch, int height,
            int width) {
        Shapes.requireLength("sample", sample, batch, LATENT_CHANNELS, height, width);
        int hidden = UNetInputs.hiddenSize(encoderHiddenStates, batch);
        EngineProfile profile = profiles.select(batch, height, width).orElseThrow(() -> new IllegalArgumentException(
                "no TensorRT engine serves batch " + batch + " at latent " + height + "x" + width + "; profiles: "
                        + profiles + " (the batcher must not form larger batches than maxBatch)"));
        int sampleItem = LATENT_CHANNELS * height * width;
        int statesItem = TextEncoderRuntime.SEQUENCE_LENGTH * hidden;
        int b = profile.batch();
        DjlModelHandle engine = engines.get(profile);
        try (NDManager call = engine.newCallManager()) {
            NDArray s = call.create(EngineProfiles.padBatch(sample, batch, b, sampleItem),
                    new Shape(b, LATENT_CHANNELS, height, width));
            float[] steps = new float[b];
            Arrays.fill(steps, timestep);
            NDArray t = call.create(steps, new Shape(b));
            NDArray e = call.create(EngineProfiles.padBatch(encoderHiddenStates, batch, b, statesItem),
                    new Shape(b, TextEncoderRuntime.SEQUENCE_LENGTH, hidden));
            NDList out = engine.predict(new NDList(s, t, e));
            float[] noise = out.get(0).toFloatArray();
            Shapes.requireOutputLength("TensorRT UNet output", noise, b, LATENT_CHANNELS, height, width);
            return EngineProfiles.firstItems(noise, batch, sampleItem);
        }
    }

    /** The profiles this runtime serves (for the batcher's batch limit). */
    public EngineProfiles profiles() {
        return profiles;
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public void close() {
        engines.values().forEach(DjlModelHandle::close);
    }
}
