package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.image.RgbImage;
import org.junit.jupiter.api.Test;

/** The per-image maths around the runtimes, against diffusers' formulas evaluated independently here. */
class PipelineMathTest {

    @Test
    void pixelsFollowDiffusersDenormalizeAndNumpyRoundHalfToEven() {
        assertEquals(0, PixelConversion.toByte(-1f) & 0xFF);
        assertEquals(0, PixelConversion.toByte(-7f) & 0xFF, "clamped below");
        assertEquals(255, PixelConversion.toByte(1f) & 0xFF);
        assertEquals(255, PixelConversion.toByte(3f) & 0xFF, "clamped above");
        assertEquals(0, PixelConversion.toByte(Float.NaN) & 0xFF);
        // 0 -> 0.5 * 255 = 127.5, exactly half: numpy rounds to the even 128
        assertEquals(128, PixelConversion.toByte(0f) & 0xFF);
        // a sweep over [-1, 1] is monotone and reaches every byte value
        boolean[] reached = new boolean[256];
        int previous = 0;
        for (int i = 0; i <= 200_000; i++) {
            int value = PixelConversion.toByte(-1f + i / 100_000f) & 0xFF;
            assertTrue(value >= previous, "not monotone at step " + i);
            reached[value] = true;
            previous = value;
        }
        for (int v = 0; v < 256; v++) {
            assertTrue(reached[v], "byte value " + v + " never produced");
        }
    }

    @Test
    void pixelsArePackedFromPlanarChannels() {
        int w = 2;
        int h = 1;
        float[] decoded = {9f, -1f, 1f, 1f, -1f, -1f, 1f, -1f, 1f, -1f};
        // offset 2: R plane = {1, 1}, G plane = {-1, -1}, B plane = {1, -1}
        RgbImage image = PixelConversion.toRgb(decoded, 2, w, h);
        byte[] expected = {(byte) 255, 0, (byte) 255, (byte) 255, 0, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], image.rgb()[i], "byte " + i);
        }
    }

    @Test
    void guidanceIsUncondPlusScaleTimesDifferenceInFloat32() {
        float[] output = {1f, 2f, 0.1f, 3f, 5f, 0.7f};
        float[] dest = new float[3];
        ClassifierFreeGuidance.guide(output, 0, 1, 7.5f, dest, 0, 3);
        for (int i = 0; i < 3; i++) {
            float u = output[i];
            float c = output[3 + i];
            assertEquals(u + 7.5f * (c - u), dest[i]);
        }
        ClassifierFreeGuidance.conditionalOnly(output, 1, dest, 0, 3);
        assertEquals(3f, dest[0]);
        assertEquals(0.7f, dest[2]);
    }

    @Test
    void imageSeedsAreJobSeedPlusIndexModulo2To32() {
        assertEquals(10, ImageItems.imageSeed(10, 0));
        assertEquals(17, ImageItems.imageSeed(10, 7));
        assertEquals(0xFFFF_FFFFL, ImageItems.imageSeed(0xFFFF_FFFFL, 0));
        assertEquals(0, ImageItems.imageSeed(0xFFFF_FFFFL, 1));
        assertEquals(6, ImageItems.imageSeed(0xFFFF_FFFFL, 7));
    }

    @Test
    void guidanceAppliesAboveOneOnly() {
        assertEquals(false, ImageItems.isGuided(1.0));
        assertEquals(false, ImageItems.isGuided(0.0));
        assertEquals(true, ImageItems.isGuided(1.0001));
        assertEquals(2, ImageItems.itemsPerImage(7.5));
        assertEquals(1, ImageItems.itemsPerImage(1.0));
    }

    @Test
    void batchShapeNeedsMultiplesOfEight() {
        assertEquals(8, LatentSize.ofImage(64, 128).width());
        assertEquals(16, LatentSize.ofImage(64, 128).height());
        assertThrows(IllegalArgumentException.class, () -> new LatentSize(0, 8));
    }

    @Test
    void settingsAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> new PipelineSettings(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PipelineSettings(4, 65));
        assertEquals(4, PipelineSettings.defaults().maxBatchImages());
    }
}
