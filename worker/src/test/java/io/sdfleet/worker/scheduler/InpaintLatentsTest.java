package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.common.SchedulerName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The 9-channel UNet input against torch.cat (img2img/latents.json), the img2img start on the sampled latents,
 * and the shape checks of {@link InpaintLatents}.
 */
class InpaintLatentsTest {

    private static JsonNode latents() throws IOException {
        String folder = System.getProperty("sdfleet.golden");
        assertTrue(folder != null && !folder.isBlank(), "system property sdfleet.golden is not set");
        Path file = Path.of(folder).resolve("img2img/latents.json");
        assertTrue(Files.isRegularFile(file), "golden file missing: " + file);
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void nineChannelInputIsLatentsThenMaskThenMaskedImageLatentsPerItem() throws IOException {
        JsonNode c = latents().get("unet9_concat");
        int batch = c.get("latent_model_input_shape").get(0).asInt();
        int h = c.get("latent_model_input_shape").get(2).asInt();
        int w = c.get("latent_model_input_shape").get(3).asInt();
        float[] mask = GoldenSchedulerCases.floats(c.get("mask"));
        float[] masked = GoldenSchedulerCases.floats(c.get("masked_image_latents"));
        // classifier-free guidance: the single image's mask and masked latents repeated for [uncond, cond]
        float[] mask2 = concat(mask, mask);
        float[] masked2 = concat(masked, masked);
        float[] input = InpaintLatents.unetInput(GoldenSchedulerCases.floats(c.get("latent_model_input")), mask2,
                masked2, batch, h, w);
        assertEquals(9, c.get("unet_input_shape").get(1).asInt());
        assertArrayEquals(GoldenSchedulerCases.floats(c.get("unet_input")), input);
    }

    @Test
    void img2imgStartsFromTheSampledLatentsNoisedAtTheBeginIndex() throws IOException {
        JsonNode root = latents();
        JsonNode start = root.get("euler_start");
        JsonNode from = null;
        for (JsonNode c : root.get("sampling_cases")) {
            if (c.get("name").asText().equals(start.get("from_case").asText())) {
                from = c;
            }
        }
        assertTrue(from != null, "case " + start.get("from_case"));
        Scheduler euler = Schedulers.create(SchedulerName.EULER, SchedulerConfig.fromJson((ObjectNode)
                Img2ImgSchedulerGoldenTest.root().get("base_config")));
        euler.setTimesteps(start.get("num_inference_steps").asInt());
        euler.beginAt(start.get("begin_index").asInt());
        float[] noisy = euler.addNoise(GoldenSchedulerCases.floats(from.get("latents")),
                GoldenSchedulerCases.floats(from.get("noise")), start.get("begin_index").asInt());
        assertArrayEquals(GoldenSchedulerCases.floats(start.get("noisy")), noisy);
    }

    @Test
    void blendKeepsTheUnmaskedRegionAndTakesTheStepInTheMaskedOne() {
        float[] mask = {0, 1, 1, 0};
        float[] known = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] stepped = {-1, -2, -3, -4, -5, -6, -7, -8};
        float[] blended = InpaintLatents.blendKnownRegion(mask, known, stepped, 1, 2, 2, 2);
        assertArrayEquals(new float[] {1, -2, -3, 4, 5, -6, -7, 8}, blended);
        assertThrows(IllegalArgumentException.class,
                () -> InpaintLatents.blendKnownRegion(new float[3], known, stepped, 1, 2, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> InpaintLatents.unetInput(new float[16], new float[4], new float[15], 1, 2, 2));
    }

    @Test
    void theKnownRegionAfterTheLastStepIsTheCleanImage() {
        Scheduler ddim = Schedulers.create(SchedulerName.DDIM, SchedulerConfig.fromJson((ObjectNode)
                Img2ImgSchedulerGoldenTest.root().get("base_config")));
        ddim.setTimesteps(4);
        float[] image = {0.5f, -0.25f};
        float[] noise = {1, 1};
        assertArrayEquals(image, InpaintLatents.knownRegionAfterStep(ddim, image, noise, 3));
        assertArrayEquals(ddim.addNoise(image, noise, 2), InpaintLatents.knownRegionAfterStep(ddim, image, noise, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> InpaintLatents.knownRegionAfterStep(ddim, image, noise, 4));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
