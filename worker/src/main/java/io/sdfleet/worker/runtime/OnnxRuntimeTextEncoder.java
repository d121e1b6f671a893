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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CLIP text encoder on ONNX Runtime. Feeds {@code input_ids} in the element type the file declares
 * (int32 in diffusers' export, int64 in some others) and reads {@code last_hidden_state}.
 *
 * <p>Threads: one caller at a time. Each call's tensors live in a child NDManager closed at the end of
 * the call.
 */
public final class OnnxRuntimeTextEncoder implements TextEncoderRuntime {
    static final String INPUT_IDS = "input_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final List<TensorExpectation> INPUTS = List.of(TensorExpectation.of(INPUT_IDS,
            Set.of(TensorType.INT32, TensorType.INT64), 2, Map.of(1, (long) SEQUENCE_LENGTH), "[batch, 77] token ids"));
    static final List<TensorExpectation> OUTPUTS = List.of(TensorExpectation.of(LAST_HIDDEN_STATE,
            Set.of(TensorType.FLOAT32), 3, Map.of(1, (long) SEQUENCE_LENGTH), "[batch, 77, hidden] token states"));

    private final DjlModelHandle handle;
    private final TensorType idType;
    private final int hiddenSize;

    private OnnxRuntimeTextEncoder(DjlModelHandle handle, TensorType idType, int declaredHiddenSize) {
        this.handle = handle;
        this.idType = idType;
        this.hiddenSize = declaredHiddenSize > 0 ? declaredHiddenSize : probeHiddenSize();
    }

    /** Checks the file's tensors, then loads it. */
    public static OnnxRuntimeTextEncoder load(Path file, RuntimeSettings settings) throws ModelLoadException {
        OnnxSignature signature = OnnxSignatureReader.read(file);
        SignatureCheck.require(signature, "text encoder", INPUTS, OUTPUTS);
        SignatureCheck.requireVariableDims(signature, "text encoder", Map.of(INPUT_IDS, Map.of(0, "batch")));
        TensorType idType = signature.input(INPUT_IDS).map(TensorSpec::type).orElseThrow();
        TensorDim hidden = signature.output(LAST_HIDDEN_STATE).orElseThrow().dims().get(2);
        DjlModelHandle handle = DjlModelHandle.loadOnnx(file, "text_encoder", settings);
        try {
            return new OnnxRuntimeTextEncoder(handle, idType, hidden.isFixed() ? (int) hidden.size() : -1);
        } catch (RuntimeException e) {
            handle.close();
            throw new ModelLoadException(file + ": the text encoder failed on a probe prompt: " + e.getMessage(), e);
        }
    }

    @Override
    public float[] encode(int[][] tokenIds) {
        int n = tokenIds.length;
        if (n == 0) {
            throw new IllegalArgumentException("no prompts to encode");
        }
        int[] flat = new int[n * SEQUENCE_LENGTH];
        for (int i = 0; i < n; i++) {
            if (tokenIds[i].length != SEQUENCE_LENGTH) {
                throw new IllegalArgumentException("prompt " + i + " has " + tokenIds[i].length + " token ids, expected "
                        + SEQUENCE_LENGTH);
            }
            System.arraycopy(tokenIds[i], 0, flat, i * SEQUENCE_LENGTH, SEQUENCE_LENGTH);
        }
        try (NDManager call = handle.newCallManager()) {
            Shape shape = new Shape(n, SEQUENCE_LENGTH);
            NDArray ids = idType == TensorType.INT32 ? call.create(flat, shape) : call.create(toLongs(flat), shape);
            ids.setName(INPUT_IDS);
            NDList out = handle.predict(new NDList(ids));
            NDArray states = out.get(LAST_HIDDEN_STATE);
            return states.toFloatArray();
        }
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    /** The description of the device this runs on, e.g. {@code onnxruntime/cpu}. */
    public String identity() {
        return handle.description();
    }

    private int probeHiddenSize() {
        int[][] ids = new int[1][SEQUENCE_LENGTH];
        java.util.Arrays.fill(ids[0], 0);
        return encode(ids).length / SEQUENCE_LENGTH;
    }

    private static long[] toLongs(int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return longs;
    }

    @Override
    public void close() {
        handle.close();
    }
}
