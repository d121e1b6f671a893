package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link UNetRuntime} must do, whatever runs it (STYLE habit 5: one contract, every runtime's
 * test class extends it). Subclasses open the runtime; they may abort with an assumption when the
 * runtime cannot run on this machine (TensorRT without a GPU), giving the reason.
 *
 * <p>Inputs are 8x8 latents (64x64 images) with batches of 1 and 3, so a TensorRT subclass needs the
 * profiles 1x8x8 and a batch of at least 3 at 8x8.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class UNetRuntimeContract {
    /** Tolerance for item i alone vs inside a batch: kernels may block a batch differently. */
    static final float BATCH_TOLERANCE = 1e-4f;
    static final int SIDE = 8;
    static final float TIMESTEP = 981f;

    private UNetRuntime runtime;

    /** Opens the runtime under test (called once per class). */
    protected abstract UNetRuntime openRuntime() throws Exception;

    /** Width D of the text states this UNet takes. */
    protected abstract int hiddenSize();

    @BeforeAll
    void open() throws Exception {
        runtime = openRuntime();
    }

    @AfterAll
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    protected UNetRuntime runtime() {
        return runtime;
    }

    protected float[] latents(int batch, int height, int width, long seed) {
        return gaussian(batch * UNetRuntime.LATENT_CHANNELS * height * width, seed);
    }

    protected float[] textStates(int batch, long seed) {
        return gaussian(batch * TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize(), seed);
    }

    @Test
    void outputHasTheShapeOfTheInput() {
        for (int batch : new int[] {1, 3}) {
            float[] out = runtime.predictNoise(latents(batch, SIDE, SIDE, 1), TIMESTEP, textStates(batch, 2), batch,
                    SIDE, SIDE);
            assertEquals(batch * UNetRuntime.LATENT_CHANNELS * SIDE * SIDE, out.length, "batch " + batch);
            for (float v : out) {
                assertTrue(Float.isFinite(v), "non-finite output");
            }
        }
    }

    @Test
    void sameInputGivesTheSameOutput() {
        float[] sample = latents(3, SIDE, SIDE, 3);
        float[] states = textStates(3, 4);
        float[] first = runtime.predictNoise(sample, TIMESTEP, states, 3, SIDE, SIDE);
        float[] second = runtime.predictNoise(sample.clone(), TIMESTEP, states.clone(), 3, SIDE, SIDE);
        assertArrayEquals(first, second, "same input, different output");
    }

    @Test
    void eachItemIsIndependentOfTheOthersInTheBatch() {
        float[] sample = latents(3, SIDE, SIDE, 5);
        float[] states = textStates(3, 6);
        float[] batched = runtime.predictNoise(sample, TIMESTEP, states, 3, SIDE, SIDE);
        int sampleItem = UNetRuntime.LATENT_CHANNELS * SIDE * SIDE;
        int stateItem = TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize();
        for (int i = 0; i < 3; i++) {
            float[] alone = runtime.predictNoise(Arrays.copyOfRange(sample, i * sampleItem, (i + 1) * sampleItem),
                    TIMESTEP, Arrays.copyOfRange(states, i * stateItem, (i + 1) * stateItem), 1, SIDE, SIDE);
            float[] inBatch = Arrays.copyOfRange(batched, i * sampleItem, (i + 1) * sampleItem);
            assertTrue(maxAbsDiff(alone, inBatch) <= BATCH_TOLERANCE,
                    "item " + i + " differs alone vs in a batch of 3 by " + maxAbsDiff(alone, inBatch));
        }
    }

    @Test
    void eachItemHasItsOwnTimestepAndIsTheSameAsAloneAtThatTimestep() {
        float[] sample = latents(3, SIDE, SIDE, 12);
        float[] states = textStates(3, 13);
        float[] timesteps = {981f, 1f, 500f};
        float[] batched = runtime.predictNoise(sample, timesteps, states, 3, SIDE, SIDE);
        int sampleItem = UNetRuntime.LATENT_CHANNELS * SIDE * SIDE;
        int stateItem = TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize();
        for (int i = 0; i < 3; i++) {
            float[] alone = runtime.predictNoise(Arrays.copyOfRange(sample, i * sampleItem, (i + 1) * sampleItem),
                    timesteps[i], Arrays.copyOfRange(states, i * stateItem, (i + 1) * stateItem), 1, SIDE, SIDE);
            float[] inBatch = Arrays.copyOfRange(batched, i * sampleItem, (i + 1) * sampleItem);
            assertTrue(maxAbsDiff(alone, inBatch) <= BATCH_TOLERANCE, "item " + i + " at timestep " + timesteps[i]
                    + " differs alone vs in a batch of mixed timesteps by " + maxAbsDiff(alone, inBatch));
        }
    }

    @Test
    void differentTimestepsGiveDifferentOutputs() {
        float[] sample = latents(1, SIDE, SIDE, 7);
        float[] states = textStates(1, 8);
        float[] early = runtime.predictNoise(sample, 981f, states, 1, SIDE, SIDE);
        float[] late = runtime.predictNoise(sample, 1f, states, 1, SIDE, SIDE);
        assertTrue(maxAbsDiff(early, late) > 1e-3, "timestep has no effect: " + maxAbsDiff(early, late));
    }

    @Test
    void differentTextGivesDifferentOutputs() {
        float[] sample = latents(1, SIDE, SIDE, 9);
        float[] a = runtime.predictNoise(sample, TIMESTEP, textStates(1, 10), 1, SIDE, SIDE);
        float[] b = runtime.predictNoise(sample, TIMESTEP, textStates(1, 11), 1, SIDE, SIDE);
        assertTrue(maxAbsDiff(a, b) > 1e-4, "text conditioning has no effect: " + maxAbsDiff(a, b));
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
