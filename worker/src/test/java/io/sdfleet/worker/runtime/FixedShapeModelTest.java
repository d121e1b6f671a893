package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TensorDim;
import io.sdfleet.worker.model.TensorSpec;
import io.sdfleet.worker.model.TinyModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model file that fixes batch, height or width (exported for one TensorRT shape) is refused when ONNX Runtime
 * loads it, naming file, tensor and dimension; the committed tiny model (dynamic axes) passes the same check.
 */
class FixedShapeModelTest {

    /** The tiny UNet's real signature with {@code sample}'s dimensions replaced by fixed ones. */
    private static OnnxSignature fixedSample(long... dims) throws Exception {
        OnnxSignature real = OnnxSignatureReader.read(ModelFolder.load(TinyModelFiles.tinyModel()).unet());
        List<TensorSpec> inputs = new ArrayList<>();
        for (TensorSpec spec : real.inputs()) {
            if (spec.name().equals(OnnxRuntimeUNet.SAMPLE)) {
                List<TensorDim> fixed = new ArrayList<>();
                for (long d : dims) {
                    fixed.add(TensorDim.fixed(d));
                }
                inputs.add(new TensorSpec(spec.name(), spec.type(), fixed));
            } else {
                inputs.add(spec);
            }
        }
        return new OnnxSignature(real.file(), inputs, real.outputs());
    }

    @Test
    void aStaticShapeUNetIsRefusedNamingFileTensorAndDimensions() throws Exception {
        OnnxSignature signature = fixedSample(2, 4, 8, 8);
        SignatureCheck.require(signature, "UNet", OnnxRuntimeUNet.INPUTS, OnnxRuntimeUNet.OUTPUTS); // fits otherwise

        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> SignatureCheck.requireVariableDims(signature, "UNet", OnnxRuntimeUNet.VARIABLE_DIMS));

        String message = e.getMessage();
        assertTrue(message.contains(signature.file().toString()), message);
        assertTrue(message.contains("input 'sample' dimension 0 (batch) is fixed at 2"), message);
        assertTrue(message.contains("dimension 2 (height) is fixed at 8"), message);
        assertTrue(message.contains("dimension 3 (width) is fixed at 8"), message);
    }

    @Test
    void theTinyModelsDynamicAxesPassAndItLoads() throws Exception {
        Path unet = ModelFolder.load(TinyModelFiles.tinyModel()).unet();
        SignatureCheck.requireVariableDims(OnnxSignatureReader.read(unet), "UNet", OnnxRuntimeUNet.VARIABLE_DIMS);
        SignatureCheck.requireVariableDims(fixedSample(-1, 4, -1, -1), "UNet", Map.of());
    }
}
