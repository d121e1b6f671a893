package io.sdfleet.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TensorType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The VAE encoder on ONNX Runtime: {@code sample} to {@code latent_parameters} (optimum's export) or
 * {@code latent_sample} (the older exports; see {@link VaeEncoderRuntime} for why those are not reproducible).
 *
 * <p>Which layout a file has is read from its declared outputs before it is loaded; a file with neither output,
 * or with a wrongly shaped one, is refused at load with every difference named. Threads: one caller at a time;
 * each call's tensors live in a child NDManager closed at the end.
 */
public final class OnnxRuntimeVaeEncoder implements VaeEncoderRuntime {
    static final String SAMPLE = "sample";
    static final String LATENT_PARAMETERS = "latent_parameters";
    static final String LATENT_SAMPLE = "latent_sample";
    static final List<TensorExpectation> INPUTS = List.of(TensorExpectation.of(SAMPLE, Set.of(TensorType.FLOAT32),
            4, Map.of(1, 3L), "[batch, 3, height, width] images in [-1, 1]"));
    static final TensorExpectation PARAMETERS_OUTPUT = TensorExpectation.of(LATENT_PARAMETERS,
            Set.of(TensorType.FLOAT32), 4, Map.of(1, 2L * UNetRuntime.LATENT_CHANNELS),
            "[batch, 8, height / 8, width / 8] latent means and log-variances (optimum's export)");
    static final TensorExpectation SAMPLE_OUTPUT = TensorExpectation.of(LATENT_SAMPLE, Set.of(TensorType.FLOAT32), 4,
            Map.of(1, (long) UNetRuntime.LATENT_CHANNELS),
            "[batch, 4, height / 8, width / 8] latents sampled in the graph (older exports)");

    private final DjlModelHandle handle;
    private final OutputKind kind;

    private OnnxRuntimeVaeEncoder(DjlModelHandle handle, OutputKind kind) {
        this.handle = handle;
        this.kind = kind;
    }

    /** Checks the file's tensors, then loads it. */
    public static OnnxRuntimeVaeEncoder load(Path file, RuntimeSettings settings) throws ModelLoadException {
        OnnxSignature signature = OnnxSignatureReader.read(file);
        OutputKind kind = signature.output(LATENT_PARAMETERS).isPresent() || signature.output(LATENT_SAMPLE).isEmpty()
                ? OutputKind.LATENT_PARAMETERS : OutputKind.LATENT_SAMPLE;
        SignatureCheck.require(signature, "VAE encoder", INPUTS,
                List.of(kind == OutputKind.LATENT_PARAMETERS ? PARAMETERS_OUTPUT : SAMPLE_OUTPUT));
        SignatureCheck.requireVariableDims(signature, "VAE encoder",
                Map.of(SAMPLE, Map.of(0, "batch", 2, "height", 3, "width")));
        return new OnnxRuntimeVaeEncoder(DjlModelHandle.loadOnnx(file, "vae_encoder", settings), kind);
    }

    @Override
    public OutputKind outputKind() {
        return kind;
    }

    @Override
    public Encoded encode(float[] images, int batch, int height, int width) {
        Shapes.requireLength("images", images, batch, 3, height, width);
        if (height % SCALE != 0 || width % SCALE != 0) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is not a multiple of " + SCALE);
        }
        int latentHeight = height / SCALE;
        int latentWidth = width / SCALE;
        try (NDManager call = handle.newCallManager()) {
            NDArray input = call.create(images, new Shape(batch, 3, height, width));
            input.setName(SAMPLE);
            NDList out = handle.predict(new NDList(input));
            NDArray result = out.get(kind == OutputKind.LATENT_PARAMETERS ? LATENT_PARAMETERS : LATENT_SAMPLE);
            float[] values = (result != null ? result : out.get(0)).toFloatArray();
            int channels = kind == OutputKind.LATENT_PARAMETERS ? 2 * UNetRuntime.LATENT_CHANNELS
                    : UNetRuntime.LATENT_CHANNELS;
            Shapes.requireOutputLength("encoded latents", values, batch, channels, latentHeight, latentWidth);
            return new Encoded(kind, values, batch, latentHeight, latentWidth);
        }
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
