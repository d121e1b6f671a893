package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import io.sdfleet.worker.rng.DiagonalGaussian;
import io.sdfleet.worker.rng.TorchGenerator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The VAE encoder runtime on the tiny model's optimum-layout encoder and on the fixtures of the older layout and
 * of a broken file, plus the tiny inpainting model's 9-channel UNet.
 */
class OnnxRuntimeVaeEncoderTest {

    private static final int H = 64;
    private static final int W = 48;

    private static OnnxRuntimeVaeEncoder tinyEncoder() throws ModelLoadException {
        Path file = ModelFolder.load(TinyModelFiles.tinyModel()).vaeEncoder().orElseThrow(
                () -> new AssertionError("models/tiny-sd has no vae_encoder/model.onnx"));
        return OnnxRuntimeVaeEncoder.load(file, RuntimeSettings.defaults());
    }

    static float[] images(int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[batch * 3 * H * W];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }

    @Test
    void optimumLayoutGivesMeansAndLogVariancesPerItemIndependentlyOfTheBatch() throws Exception {
        try (OnnxRuntimeVaeEncoder encoder = tinyEncoder()) {
            assertEquals(VaeEncoderRuntime.OutputKind.LATENT_PARAMETERS, encoder.outputKind());
            float[] pair = images(2, 5);
            VaeEncoderRuntime.Encoded both = encoder.encode(pair, 2, H, W);
            assertEquals(8, both.channels());
            assertEquals(2 * 8 * (H / 8) * (W / 8), both.values().length);
            float[] second = Arrays.copyOfRange(pair, 3 * H * W, 6 * H * W);
            VaeEncoderRuntime.Encoded alone = encoder.encode(second, 1, H, W);
            int perImage = 8 * (H / 8) * (W / 8);
            float worst = 0;
            for (int i = 0; i < perImage; i++) {
                worst = Math.max(worst, Math.abs(alone.values()[i] - both.values()[both.offsetOf(1) + i]));
            }
            assertTrue(worst < 1e-4, "item 1 alone and in the batch differ by " + worst);
            assertTrue(Arrays.equals(both.values(), encoder.encode(pair, 2, H, W).values()), "not deterministic");
            // the calibration's log-variance (mean -4): planes 4..7 of each image
            int plane = (H / 8) * (W / 8);
            double logvar = 0;
            for (int i = 4 * plane; i < 8 * plane; i++) {
                logvar += both.values()[i];
            }
            logvar /= 4 * plane;
            assertTrue(logvar > -8 && logvar < -1, "mean log-variance " + logvar);
        }
    }

    @Test
    void sampledLatentsFollowTheJobSeedAndScalingFactor() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        try (OnnxRuntimeVaeEncoder encoder = tinyEncoder()) {
            VaeEncoderRuntime.Encoded encoded = encoder.encode(images(1, 9), 1, H, W);
            float[] a = DiagonalGaussian.scaledSample(encoded.values(), 0, 4, H / 8, W / 8, new TorchGenerator(1),
                    folder.vaeScalingFactor());
            float[] again = DiagonalGaussian.scaledSample(encoded.values(), 0, 4, H / 8, W / 8, new TorchGenerator(1),
                    folder.vaeScalingFactor());
            float[] b = DiagonalGaussian.scaledSample(encoded.values(), 0, 4, H / 8, W / 8, new TorchGenerator(2),
                    folder.vaeScalingFactor());
            assertTrue(Arrays.equals(a, again), "the same seed must give the same latents");
            assertFalse(Arrays.equals(a, b), "another seed must give other latents (the tiny encoder's std is visible)");
        }
    }

    @Test
    void theOlderLayoutSamplesInTheGraphAndIsNotReproducible() throws Exception {
        try (OnnxRuntimeVaeEncoder encoder = OnnxRuntimeVaeEncoder.load(
                TinyModelFiles.fixture("vae-encoder-latent-sample"), RuntimeSettings.defaults())) {
            assertEquals(VaeEncoderRuntime.OutputKind.LATENT_SAMPLE, encoder.outputKind());
            float[] input = images(1, 3);
            VaeEncoderRuntime.Encoded first = encoder.encode(input, 1, H, W);
            VaeEncoderRuntime.Encoded second = encoder.encode(input, 1, H, W);
            assertEquals(4, first.channels());
            assertEquals(4 * (H / 8) * (W / 8), first.values().length);
            assertFalse(Arrays.equals(first.values(), second.values()),
                    "an unseeded RandomNormalLike node draws other noise on every call (documented)");
        }
    }

    @Test
    void aFileWithNeitherOutputIsRefusedAtLoadNamingWhatItHas() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxRuntimeVaeEncoder.load(
                TinyModelFiles.fixture("broken-vae-encoder-output"), RuntimeSettings.defaults()));
        assertTrue(e.getMessage().contains("latent_parameters") && e.getMessage().contains("latent_dist"),
                e.getMessage());
        ModelLoadException decoder = assertThrows(ModelLoadException.class, () -> OnnxRuntimeVaeEncoder.load(
                ModelFolder.load(TinyModelFiles.tinyModel()).vaeDecoder(), RuntimeSettings.defaults()));
        assertTrue(decoder.getMessage().contains("'sample'"), decoder.getMessage());
    }

    @Test
    void wrongInputShapesAreCallerErrors() throws Exception {
        try (OnnxRuntimeVaeEncoder encoder = tinyEncoder()) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new float[10], 1, H, W));
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new float[3 * 60 * 60], 1, 60, 60));
        }
    }

    @Test
    void theTinyInpaintingModelHasANineChannelUNetAndAnEncoder() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyInpaintModel());
        assertEquals("OnnxStableDiffusionInpaintPipeline", folder.pipelineClass());
        assertTrue(folder.vaeEncoder().isPresent());
        assertEquals(9, new ObjectMapper().readTree(folder.root().resolve("unet/config.json").toFile())
                .get("in_channels").asInt());
        // run it through a DJL model handle (today's UNet runtime feeds 4 channels; the wiring is the lead's)
        try (DjlModelHandle unet = DjlModelHandle.loadOnnx(folder.unet(), "unet", RuntimeSettings.defaults());
             NDManager call = unet.newCallManager()) {
            NDArray sample = call.create(new float[2 * 9 * 8 * 8], new Shape(2, 9, 8, 8));
            sample.setName("sample");
            NDArray timestep = call.create(new float[] {500, 500}, new Shape(2));
            timestep.setName("timestep");
            NDArray text = call.create(new float[2 * 77 * 32], new Shape(2, 77, 32));
            text.setName("encoder_hidden_states");
            NDList out = unet.predict(new NDList(sample, timestep, text));
            assertEquals(new Shape(2, 4, 8, 8), out.get(0).getShape());
        }
    }
}
