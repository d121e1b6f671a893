package io.sdfleet.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TensorSpec;
import io.sdfleet.worker.model.TensorType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The UNet on ONNX Runtime (CPU, CUDA or the TensorRT execution provider).
 *
 * <p>The timestep is fed in the element type the file declares: float32 in current diffusers exports,
 * int64 in older ones. For int64 the value is truncated toward zero, as diffusers' ONNX pipeline does
 * ({@code np.array([t], dtype=np.int64)}): Karras-sigma Euler/LMS timesteps are fractional (812.6 is fed as
 * 812, not rounded to 813); DDIM/PNDM timesteps are whole numbers and pass unchanged. It is fed as
 * {@code [batch]}, one value per item. A file that declares a scalar timestep takes one value per call, so a
 * call whose items carry different timesteps runs as one session call per run of equal timesteps, and the
 * outputs are put back in item order (the items are independent, so this changes no value).
 *
 * <p>Threads: one caller at a time. Each call's tensors live in a child NDManager closed at the end.
 */
public final class OnnxRuntimeUNet implements UNetRuntime {
    static final String SAMPLE = "sample";
    static final String TIMESTEP = "timestep";
    static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    static final String OUT_SAMPLE = "out_sample";
    static final List<TensorExpectation> INPUTS = List.of(
            TensorExpectation.of(SAMPLE, Set.of(TensorType.FLOAT32), 4, Map.of(),
                    "[batch, 4, height, width] noisy latents (9 channels for an inpainting UNet)"),
            new TensorExpectation(TIMESTEP, Set.of(TensorType.FLOAT32, TensorType.INT64), Set.of(0, 1), Map.of(),
                    "[batch] or scalar timestep"),
            TensorExpectation.of(ENCODER_HIDDEN_STATES, Set.of(TensorType.FLOAT32), 3,
                    Map.of(1, (long) TextEncoderRuntime.SEQUENCE_LENGTH), "[batch, 77, hidden] text states"));
    static final List<TensorExpectation> OUTPUTS = List.of(TensorExpectation.of(OUT_SAMPLE,
            Set.of(TensorType.FLOAT32), 4, Map.of(1, (long) LATENT_CHANNELS), "[batch, 4, height, width] noise"));

    /** Dimensions ONNX Runtime feeds at any size: a file fixing one is refused at load. */
    static final Map<String, Map<Integer, String>> VARIABLE_DIMS = Map.of(
            SAMPLE, Map.of(0, "batch", 2, "height", 3, "width"),
            ENCODER_HIDDEN_STATES, Map.of(0, "batch"));

    private final DjlModelHandle handle;
    private final TensorType timestepType;
    private final boolean scalarTimestep;
    private final int inputChannels;

    private OnnxRuntimeUNet(DjlModelHandle handle, TensorSpec timestep, int inputChannels) {
        this.handle = handle;
        this.timestepType = timestep.type();
        this.scalarTimestep = timestep.rank() == 0;
        this.inputChannels = inputChannels;
    }

    /**
     * The channels of the file's {@code sample} input: 4 (latents), or 9 for an inpainting UNet (latents, mask,
     * masked-image latents, as runwayml/stable-diffusion-inpainting). Exports often leave the dimension symbolic;
     * then the {@code in_channels} of {@code config.json} beside the file says it (4 when absent, as SD 1.x).
     *
     * @throws ModelLoadException any other channel count
     */
    public static int sampleChannels(OnnxSignature signature, Path file) throws ModelLoadException {
        var sample = signature.input(SAMPLE);
        if (sample.isEmpty() || sample.get().dims().size() != 4) {
            return LATENT_CHANNELS; // the signature check names what is wrong with the tensor
        }
        var dim = sample.get().dims().get(1);
        long channels = dim.isFixed() ? dim.size() : configuredChannels(file.resolveSibling("config.json"));
        if (channels != LATENT_CHANNELS && channels != INPAINT_CHANNELS) {
            throw new ModelLoadException(file + ": the UNet's sample input must have " + LATENT_CHANNELS
                    + " channels (or " + INPAINT_CHANNELS + " for an inpainting UNet); it has " + channels
                    + (dim.isFixed() ? "" : " (in_channels of " + file.resolveSibling("config.json") + ")"));
        }
        return (int) channels;
    }

    private static long configuredChannels(Path config) throws ModelLoadException {
        if (!java.nio.file.Files.isRegularFile(config)) {
            return LATENT_CHANNELS;
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).get("in_channels");
            return node == null || !node.canConvertToLong() ? LATENT_CHANNELS : node.asLong();
        } catch (java.io.IOException e) {
            throw new ModelLoadException("cannot read " + config + ": " + e.getMessage(), e);
        }
    }

    /** Checks the file's tensors, then loads it. */
    public static OnnxRuntimeUNet load(Path file, RuntimeSettings settings) throws ModelLoadException {
        return load(file, settings, OrtSessionPlan.of(settings));
    }

    /** Checks the file's tensors, then loads it with the given providers (one TensorRT engine profile, for one). */
    static OnnxRuntimeUNet load(Path file, RuntimeSettings settings, OrtSessionPlan plan) throws ModelLoadException {
        OnnxSignature signature = OnnxSignatureReader.read(file);
        SignatureCheck.require(signature, "UNet", INPUTS, OUTPUTS);
        SignatureCheck.requireVariableDims(signature, "UNet", VARIABLE_DIMS);
        TensorSpec timestep = signature.input(TIMESTEP).orElseThrow();
        int channels = sampleChannels(signature, file);
        return new OnnxRuntimeUNet(DjlModelHandle.loadOnnx(file, "unet", settings, plan), timestep, channels);
    }

    @Override
    public int inputChannels() {
        return inputChannels;
    }

    /** The element type the model takes its timestep in (float32 or int64). */
    public TensorType timestepType() {
        return timestepType;
    }

    @Override
    public float[] predictNoise(float[] sample, float[] timesteps, float[] encoderHiddenStates, int batch, int height,
            int width) {
        Shapes.requireLength("sample", sample, batch, inputChannels, height, width);
        UNetInputs.requireTimesteps(timesteps, batch);
        int hidden = UNetInputs.hiddenSize(encoderHiddenStates, batch);
        if (!scalarTimestep) {
            return run(sample, timesteps, encoderHiddenStates, batch, height, width, hidden);
        }
        int sampleItem = inputChannels * height * width;
        int noiseItem = LATENT_CHANNELS * height * width;
        int statesItem = TextEncoderRuntime.SEQUENCE_LENGTH * hidden;
        float[] noise = new float[batch * noiseItem];
        for (int first = 0; first < batch; ) {
            int end = first + 1;
            while (end < batch && Float.compare(timesteps[end], timesteps[first]) == 0) {
                end++;
            }
            int n = end - first;
            float[] out = run(Arrays.copyOfRange(sample, first * sampleItem, end * sampleItem),
                    new float[] {timesteps[first]},
                    Arrays.copyOfRange(encoderHiddenStates, first * statesItem, end * statesItem), n, height, width,
                    hidden);
            System.arraycopy(out, 0, noise, first * noiseItem, n * noiseItem);
            first = end;
        }
        return noise;
    }

    private float[] run(float[] sample, float[] timesteps, float[] encoderHiddenStates, int batch, int height,
            int width, int hidden) {
        try (NDManager call = handle.newCallManager()) {
            NDArray sampleArray = call.create(sample, new Shape(batch, inputChannels, height, width));
            sampleArray.setName(SAMPLE);
            NDArray timestepArray = timestepArray(call, timesteps);
            timestepArray.setName(TIMESTEP);
            NDArray states = call.create(encoderHiddenStates,
                    new Shape(batch, TextEncoderRuntime.SEQUENCE_LENGTH, hidden));
            states.setName(ENCODER_HIDDEN_STATES);
            NDList out = handle.predict(new NDList(sampleArray, timestepArray, states));
            float[] noise = out.get(0).toFloatArray();
            Shapes.requireOutputLength("UNet output", noise, batch, LATENT_CHANNELS, height, width);
            return noise;
        }
    }

    /** {@code [batch]} timesteps, or a scalar (one value) when the file declares one. */
    private NDArray timestepArray(NDManager call, float[] timesteps) {
        Shape shape = scalarTimestep ? new Shape() : new Shape(timesteps.length);
        if (timestepType == TensorType.INT64) {
            long[] values = new long[timesteps.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (long) timesteps[i]; // truncation, as numpy's float-to-int64 cast
            }
            return call.create(values, shape);
        }
        return call.create(timesteps.clone(), shape);
    }

    @Override
    public String identity() {
        return handle.description();
    }

    @Override
    public void close() {
        handle.close();
    }
}
