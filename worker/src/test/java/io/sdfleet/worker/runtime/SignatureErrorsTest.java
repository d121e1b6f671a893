package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken model folders: the message names the file, the expected tensor and what the file has. */
class SignatureErrorsTest {
    @TempDir
    Path temp;

    @Test
    void aRenamedUNetInputIsReportedWithWhatTheFileHas() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.copy(TinyModelFiles.fixture("broken-renamed-unet-input"), copy.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        ModelFolder folder = ModelFolder.load(copy);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRuntimes.open(folder, RuntimeSettings.defaults()));
        String message = e.getMessage();
        assertTrue(message.contains(copy.resolve("unet/model.onnx").toString()), message);
        assertTrue(message.contains("expected input 'encoder_hidden_states'"), message);
        assertTrue(message.contains("is missing"), message);
        assertTrue(message.contains("text_embeds float32 [batch, sequence, 32]"), message);
    }

    @Test
    void aWrongRankVaeInputIsReported() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.copy(TinyModelFiles.fixture("broken-rank-vae"), copy.resolve("vae_decoder/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRuntimes.open(ModelFolder.load(copy), RuntimeSettings.defaults()));
        String message = e.getMessage();
        assertTrue(message.contains(copy.resolve("vae_decoder/model.onnx").toString()), message);
        assertTrue(message.contains("'latent_sample'"), message);
        assertTrue(message.contains("its rank is 3"), message);
        assertTrue(message.contains("expected rank 4"), message);
    }

    @Test
    void aModelOfTheWrongRoleIsReported() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Files.copy(copy.resolve("vae_decoder/model.onnx"), copy.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRuntimes.open(ModelFolder.load(copy), RuntimeSettings.defaults()));
        assertTrue(e.getMessage().contains("not a usable UNet model"), e.getMessage());
        assertTrue(e.getMessage().contains("expected input 'sample'"), e.getMessage());
        assertTrue(e.getMessage().contains("input 'latent_sample' that the UNet runtime does not feed"), e.getMessage());
    }

    @Test
    void aTruncatedOnnxFileIsReportedBeforeLoading() throws Exception {
        Path copy = TinyModelFiles.copyOfTinyModel(temp);
        Path unet = copy.resolve("unet/model.onnx");
        byte[] bytes = Files.readAllBytes(unet);
        Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRuntimes.open(ModelFolder.load(copy), RuntimeSettings.defaults()));
        assertTrue(e.getMessage().contains(unet.toString()), e.getMessage());
    }
}
