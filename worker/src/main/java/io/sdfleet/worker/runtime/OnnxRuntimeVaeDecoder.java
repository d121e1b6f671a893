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
 * The VAE decoder on ONNX Runtime: {@code latent_sample} to {@code sample}.
 *
 * <p>Threads: one caller at a time. Each call's tensors live in a child NDManager closed at the end.
 */
public final class OnnxRuntimeVaeDecoder implements VaeDecoderRuntime {
    static final String LATENT_SAMPLE = "latent_sample";
    static final String SAMPLE = "sample";
    static final List<TensorExpectation> INPUTS = List.of(TensorExpectation.of(LATENT_SAMPLE, Set.of(TensorType.FLOAT32),
            4, Map.of(1, (long) UNetRuntime.LATENT_CHANNELS), "[batch, 4, height, width] latents"));
    static final List<TensorExpectation> OUTPUTS = List.of(TensorExpectation.of(SAMPLE, Set.of(TensorType.FLOAT32),
            4, Map.of(1, 3L), "[batch, 3, 8 height, 8 width] images"));

    private final DjlModelHandle handle;

    private OnnxRuntimeVaeDecoder(DjlModelHandle handle) {
        this.handle = handle;
    }

    /** Checks the file's tensors, then loads it. */
    public static OnnxRuntimeVaeDecoder load(Path file, RuntimeSettings settings) throws ModelLoadException {
        OnnxSignature signature = OnnxSignatureReader.read(file);
        SignatureCheck.require(signature, "VAE decoder", INPUTS, OUTPUTS);
        SignatureCheck.requireVariableDims(signature, "VAE decoder",
                Map.of(LATENT_SAMPLE, Map.of(0, "batch", 2, "height", 3, "width")));
        return new OnnxRuntimeVaeDecoder(DjlModelHandle.loadOnnx(file, "vae_decoder", settings));
    }

    @Override
    public float[] decode(float[] latents, int batch, int height, int width) {
        Shapes.requireLength("latents", latents, batch, UNetRuntime.LATENT_CHANNELS, height, width);
        try (NDManager call = handle.newCallManager()) {
            NDArray input = call.create(latents, new Shape(batch, UNetRuntime.LATENT_CHANNELS, height, width));
            input.setName(LATENT_SAMPLE);
            NDList out = handle.predict(new NDList(input));
            float[] images = out.get(0).toFloatArray();
            Shapes.requireOutputLength("decoded images", images, batch, 3, (long) height * SCALE, (long) width * SCALE);
            return images;
        }
    }

    public String identity() {
        return handle.description();
    }

    @Override
    public void close() {
        handle.close();
    }
}
