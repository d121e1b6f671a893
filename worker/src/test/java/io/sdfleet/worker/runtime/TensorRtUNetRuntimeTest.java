package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The UNet contract on DJL's TensorRT engine. Runs only where TensorRT 8 and a GPU are present and
 * {@code -Dsdfleet.trtEngines=DIR} names a folder with engines for the profiles 1x8x8 and 4x8x8 (e.g.
 * {@code tools/make_tiny_model.py --static-unet 1x8x8 --static-unet 4x8x8 --out X}, then DIR =
 * X/unet-static); elsewhere the whole class is skipped with the reason.
 */
class TensorRtUNetRuntimeTest extends UNetRuntimeContract {
    static final String ENGINES_PROPERTY = "sdfleet.trtEngines";

    @Override
    protected UNetRuntime openRuntime() throws Exception {
        String engines = System.getProperty(ENGINES_PROPERTY);
        Assumptions.assumeTrue(engines != null, "TensorRT contract skipped: -D" + ENGINES_PROPERTY
                + "=<folder of unet-b1-h8-w8 and unet-b4-h8-w8 engines> is not set");
        RuntimeSettings settings = RuntimeSettings.defaults().withKind(RuntimeKind.TENSORRT)
                .withEngines(Path.of(engines), EngineProfiles.parse("1x8x8,4x8x8"));
        try {
            return TensorRtUNetRuntime.load(ModelFolder.load(TinyModelFiles.tinyModel()).unet(), Path.of(engines),
                    settings);
        } catch (ModelLoadException e) {
            assertTrue(e.getMessage().contains(TensorRtLibraries.REQUIRED_LIBRARY), e.getMessage());
            Assumptions.abort("TensorRT contract skipped: no usable TensorRT here: " + e.getMessage());
            throw e;
        }
    }

    @Override
    protected int hiddenSize() {
        return 32;
    }
}
