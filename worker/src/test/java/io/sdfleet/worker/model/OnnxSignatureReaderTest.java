package io.sdfleet.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSignatureReaderTest {
    @Test
    void readsTheUNetInputsAsDiffusersExportsThem() throws Exception {
        OnnxSignature unet = OnnxSignatureReader.read(TinyModelFiles.tinyModel().resolve("unet/model.onnx"));
        assertEquals(List.of("sample", "timestep", "encoder_hidden_states"),
                unet.inputs().stream().map(TensorSpec::name).toList(), "initializers are not inputs");
        TensorSpec sample = unet.input("sample").orElseThrow();
        assertEquals(TensorType.FLOAT32, sample.type());
        assertEquals(List.of("batch", "channels", "height", "width"),
                sample.dims().stream().map(TensorDim::symbol).toList());
        TensorSpec timestep = unet.input("timestep").orElseThrow();
        assertEquals(TensorType.FLOAT32, timestep.type());
        assertEquals(1, timestep.rank());
        assertEquals(List.of("out_sample"), unet.outputs().stream().map(TensorSpec::name).toList());
    }

    @Test
    void readsTheTextEncoderAsInt32InputIds() throws Exception {
        OnnxSignature text = OnnxSignatureReader.read(TinyModelFiles.tinyModel().resolve("text_encoder/model.onnx"));
        assertEquals(TensorType.INT32, text.input("input_ids").orElseThrow().type());
        TensorSpec last = text.output("last_hidden_state").orElseThrow();
        assertEquals(3, last.rank());
        assertTrue(last.dims().get(2).isFixed());
        assertTrue(text.output("pooler_output").isPresent());
    }

    @Test
    void readsAnInt64Timestep() throws Exception {
        OnnxSignature unet = OnnxSignatureReader.read(TinyModelFiles.fixture("unet-int64-timestep"));
        assertEquals(TensorType.INT64, unet.input("timestep").orElseThrow().type());
    }

    @Test
    void rejectsAFileThatIsNotOnnx(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("model.onnx");
        Files.writeString(file, "this is not a protobuf file at all, just text");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSignatureReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
