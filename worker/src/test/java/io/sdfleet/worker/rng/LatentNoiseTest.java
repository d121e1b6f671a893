package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatentNoiseTest {

    private static final int[] LATENT_64PX = {4, 8, 8};

    @Test
    void eachSliceIsItsOwnSeedsStreamForEveryDraw() {
        long[] seeds = {1234, 42, 4_294_967_295L};
        LatentNoise noise = new LatentNoise(seeds, LATENT_64PX);
        int n = noise.elementsPerImage();
        assertEquals(256, n);
        float[] first = noise.nextBatch();
        float[] second = new float[noise.batchElements()];
        noise.fillNext(second);
        for (int i = 0; i < seeds.length; i++) {
            TorchGenerator alone = new TorchGenerator(seeds[i]);
            assertArrayEquals(alone.randn(n), slice(first, i, n), "initial latents of image " + i);
            assertArrayEquals(alone.randn(n), slice(second, i, n), "second draw of image " + i);
        }
    }

    @Test
    void anImageDoesNotDependOnTheRestOfItsBatch() {
        for (int[] shape : new int[][] {LATENT_64PX, {1, 3, 3}}) { // block path and scalar path
            LatentNoise batch = new LatentNoise(new long[] {7, 8, 9}, shape);
            LatentNoise reordered = new LatentNoise(new long[] {9, 7}, shape);
            LatentNoise alone = new LatentNoise(new long[] {8}, shape);
            int n = batch.elementsPerImage();
            for (int draw = 0; draw < 3; draw++) {
                float[] b = batch.nextBatch();
                float[] r = reordered.nextBatch();
                float[] a = alone.nextBatch();
                assertArrayEquals(slice(b, 2, n), slice(r, 0, n), "seed 9, draw " + draw);
                assertArrayEquals(slice(b, 0, n), slice(r, 1, n), "seed 7, draw " + draw);
                assertArrayEquals(slice(b, 1, n), slice(a, 0, n), "seed 8, draw " + draw);
            }
        }
    }

    @Test
    void describesItsLayout() {
        LatentNoise noise = new LatentNoise(new long[] {1, 2}, 4, 64, 64);
        assertEquals(2, noise.batchSize());
        assertEquals(16_384, noise.elementsPerImage());
        assertEquals(32_768, noise.batchElements());
        assertArrayEquals(new int[] {4, 64, 64}, noise.imageShape());
        assertArrayEquals(new long[] {1, 2}, noise.seeds());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new LatentNoise(new long[0], LATENT_64PX));
        assertThrows(IllegalArgumentException.class, () -> new LatentNoise(new long[] {1}, 4, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> new LatentNoise(new long[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> new LatentNoise(new long[] {1, 2}, 4, 32_768, 32_768));
        LatentNoise noise = new LatentNoise(new long[] {1, 2}, LATENT_64PX);
        assertThrows(IllegalArgumentException.class, () -> noise.fillNext(new float[256]));
    }

    private static float[] slice(float[] batch, int image, int n) {
        return Arrays.copyOfRange(batch, image * n, (image + 1) * n);
    }
}
