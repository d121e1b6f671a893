package io.sdfleet.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {
    @TempDir
    Path temp;

    @Test
    void loadsTheTinyModelAndReadsTheScalingFactorFromTheVaeConfig() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        assertEquals("tiny-sd", folder.name());
        assertEquals("OnnxStableDiffusionPipeline", folder.pipelineClass());
        assertTrue(Files.isRegularFile(folder.unet()));
        assertTrue(Files.isRegularFile(folder.textEncoder()));
        assertTrue(Files.isRegularFile(folder.vaeDecoder()));
        assertTrue(Files.isRegularFile(folder.schedulerConfig()));
        assertTrue(Files.isRegularFile(folder.vocabFile()));
        assertTrue(Files.isRegularFile(folder.mergesFile()));
        assertEquals(0.18215f, folder.vaeScalingFactor(), 0f);
        assertTrue(folder.notes().stream().anyMatch(n -> n.contains("from vae_decoder/config.json")), folder.notes()::toString);
    }

    @Test
    void scalingFactorIsReadFromTheFileNotAssumed() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.writeString(copy.resolve("vae_decoder/config.json"), "{\"scaling_factor\": 0.13025}");
        assertEquals(0.13025f, ModelFolder.load(copy).vaeScalingFactor(), 0f);
    }

    @Test
    void missingVaeConfigFallsBackToSd15FactorWithANote() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.delete(copy.resolve("vae_decoder/config.json"));
        ModelFolder folder = ModelFolder.load(copy);
        assertEquals(ModelFolder.DEFAULT_VAE_SCALING_FACTOR, folder.vaeScalingFactor(), 0f);
        assertTrue(folder.notes().stream().anyMatch(n -> n.contains("vae_decoder/config.json is absent")));
    }

    @Test
    void theUNetSizeMultipleComesFromBlockOutChannels() throws Exception {
        ModelFolder tiny = ModelFolder.load(TinyModelFiles.tinyModel());
        assertEquals(16, tiny.unetSizeMultiple(), "tiny-sd: block_out_channels [32, 64], one down-sampling");
        assertTrue(tiny.notes().stream().anyMatch(n -> n.contains("UNet size multiple 16 pixels")), tiny.notes()::toString);

        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.writeString(copy.resolve("unet/config.json"), "{\"block_out_channels\": [320, 640, 1280, 1280]}");
        assertEquals(64, ModelFolder.load(copy).unetSizeMultiple(), "SD 1.x: three down-samplings of 8-pixel latents");
    }

    @Test
    void missingUNetConfigFallsBackToSd15MultipleWithANote() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.delete(copy.resolve("unet/config.json"));
        ModelFolder folder = ModelFolder.load(copy);
        assertEquals(ModelFolder.DEFAULT_UNET_SIZE_MULTIPLE, folder.unetSizeMultiple());
        assertTrue(folder.notes().stream().anyMatch(n -> n.contains("unet/config.json is absent")), folder.notes()::toString);
    }

    @Test
    void unusableBlockOutChannelsAreRejected() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.writeString(copy.resolve("unet/config.json"), "{\"block_out_channels\": 320}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFolder.load(copy));
        assertTrue(e.getMessage().contains("block_out_channels must be a list"), e.getMessage());
        assertTrue(e.getMessage().contains("unet/config.json"), e.getMessage());
    }

    @Test
    void everyMissingFileIsNamedWithWhatItIs() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.delete(copy.resolve("unet/model.onnx"));
        Files.delete(copy.resolve("tokenizer/merges.txt"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFolder.load(copy));
        assertTrue(e.getMessage().contains("unet/model.onnx (the UNet ONNX model"), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer/merges.txt (the CLIP BPE merge list)"), e.getMessage());
        assertTrue(e.getMessage().contains(copy.toString()), e.getMessage());
    }

    @Test
    void invalidJsonNamesTheFile() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.writeString(copy.resolve("model_index.json"), "{ not json");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFolder.load(copy));
        assertTrue(e.getMessage().contains("model_index.json (the pipeline index) is not valid JSON"), e.getMessage());
    }

    @Test
    void nonPositiveScalingFactorIsRejected() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.writeString(copy.resolve("vae_decoder/config.json"), "{\"scaling_factor\": -1}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFolder.load(copy));
        assertTrue(e.getMessage().contains("scaling_factor must be a positive number"), e.getMessage());
    }

    @Test
    void aFolderThatDoesNotExistIsNamed() throws IOException {
        Path nowhere = temp.resolve("no-such-model");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFolder.load(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
    }
}
