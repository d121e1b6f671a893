package io.sdfleet.worker.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.TinyModelFiles;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog announces the modes the loaded model runs, so a caller can see which workers take pictures. */
class ServedModelTest {

    @Test
    void aModelWithVaeEncoderAnnouncesEveryModeAndAnInpaintingModelOnlyInpaint() throws Exception {
        assertEquals(List.of("txt2img", "img2img", "inpaint"), modesOf(TinyModelFiles.tinyModel()));
        assertEquals(List.of("inpaint"), modesOf(TinyModelFiles.tinyInpaintModel()));
    }

    private static List<String> modesOf(Path model) throws Exception {
        ConfigReader reader = new ConfigReader(Map.of());
        RuntimeSettings runtime = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        try (StableDiffusionPipeline pipeline = StableDiffusionPipeline.open(ModelFolder.load(model), runtime,
                PipelineSettings.defaults())) {
            return ServedModel.modes(pipeline);
        }
    }
}
