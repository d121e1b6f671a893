package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.TinyModelFiles;
import org.junit.jupiter.api.Test;

class OnnxRuntimeVaeDecoderTest {
    @Test
    void decodesLatentsToImagesEightTimesLargerMostlyInsideMinusOneToOne() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        try (OnnxRuntimeVaeDecoder vae = OnnxRuntimeVaeDecoder.load(folder.vaeDecoder(), RuntimeSettings.defaults())) {
            int batch = 2;
            int h = 8;
            int w = 12;
            float[] latents = UNetRuntimeContract.gaussian(batch * 4 * h * w, 31);
            for (int i = 0; i < latents.length; i++) {
                latents[i] /= folder.vaeScalingFactor();
            }
            float[] images = vae.decode(latents, batch, h, w);
            assertEquals(batch * 3 * 8 * h * 8 * w, images.length);
            int outside = 0;
            for (float v : images) {
                assertTrue(Float.isFinite(v));
                if (Math.abs(v) > 1) {
                    outside++;
                }
            }
            double fraction = outside / (double) images.length;
            assertTrue(fraction < 0.25, "too much clipping: " + fraction);
            assertTrue(fraction > 0, "no value outside [-1, 1]: the model is not exercised");
        }
    }
}
