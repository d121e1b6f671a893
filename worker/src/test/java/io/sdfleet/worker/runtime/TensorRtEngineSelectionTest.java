package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Engine selection, padding and cutting of the TensorRT UNet, over fake static-shape engines (no GPU).
 *
 * <p>The fake engines compute every item on its own, but add a tiny engine-specific offset, as two TensorRT
 * builds with different kernels may: that is what makes bytes depend on the batch when calls of one size run on
 * different engines.
 */
class TensorRtEngineSelectionTest {
    private static final int H = 2;
    private static final int W = 3;
    private static final int HIDDEN = 2;
    private static final int SAMPLE_ITEM = UNetRuntime.LATENT_CHANNELS * H * W;
    private static final int STATES_ITEM = TextEncoderRuntime.SEQUENCE_LENGTH * HIDDEN;

    /** Every (engine batch, padded sample) a fake engine was called with. */
    private final List<EngineProfile> calls = new ArrayList<>();
    private final List<float[]> paddedSamples = new ArrayList<>();
    private int closed;

    private TensorRtUNetRuntime runtime(String profiles, EngineBatchPolicy policy) {
        Map<EngineProfile, TensorRtUNetRuntime.StaticEngine> engines = new LinkedHashMap<>();
        for (EngineProfile p : EngineProfiles.parse(profiles).all()) {
            engines.put(p, new FakeEngine(p));
        }
        return new TensorRtUNetRuntime(engines, policy, "tensorrt-test/cuda:0");
    }

    private final class FakeEngine implements TensorRtUNetRuntime.StaticEngine {
        private final EngineProfile profile;

        FakeEngine(EngineProfile profile) {
            this.profile = profile;
        }

        @Override
        public float[] run(float[] sample, float[] timesteps, float[] states, int hiddenSize) {
            assertEquals(profile.batch() * SAMPLE_ITEM, sample.length);
            assertEquals(profile.batch(), timesteps.length);
            assertEquals(profile.batch() * TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize, states.length);
            calls.add(profile);
            paddedSamples.add(sample.clone());
            float engineOffset = 1e-4f * profile.batch();
            float[] out = new float[sample.length];
            for (int b = 0; b < profile.batch(); b++) {
                for (int i = 0; i < SAMPLE_ITEM; i++) {
                    out[b * SAMPLE_ITEM + i] = 0.5f * sample[b * SAMPLE_ITEM + i] + timesteps[b]
                            + states[b * STATES_ITEM] + engineOffset;
                }
            }
            return out;
        }

        @Override
        public void close() {
            closed++;
        }
    }

    private static float[] items(int batch, float seed) {
        float[] values = new float[batch * SAMPLE_ITEM];
        for (int i = 0; i < values.length; i++) {
            values[i] = seed + i * 0.25f;
        }
        return values;
    }

    private static float[] states(int batch) {
        float[] values = new float[batch * STATES_ITEM];
        for (int b = 0; b < batch; b++) {
            values[b * STATES_ITEM] = b + 1;
        }
        return values;
    }

    @Test
    void fixedBatchRunsEveryCallOfASizeOnItsLargestEngine() {
        try (TensorRtUNetRuntime unet = runtime("1x2x3,2x2x3,8x2x3,4x4x4", EngineBatchPolicy.FIXED)) {
            for (int batch = 1; batch <= 8; batch++) {
                assertEquals(new EngineProfile(8, H, W), unet.engineFor(batch, H, W), "batch " + batch);
            }
            assertEquals(new EngineProfile(4, 4, 4), unet.engineFor(1, 4, 4));
        }
    }

    @Test
    void smallestFittingRunsTheSmallestEngineThatHoldsTheBatch() {
        try (TensorRtUNetRuntime unet = runtime("1x2x3,2x2x3,8x2x3", EngineBatchPolicy.SMALLEST_FITTING)) {
            assertEquals(1, unet.engineFor(1, H, W).batch());
            assertEquals(2, unet.engineFor(2, H, W).batch());
            assertEquals(8, unet.engineFor(3, H, W).batch());
            assertEquals(8, unet.engineFor(8, H, W).batch());
        }
    }

    @Test
    void aBatchNoEngineHoldsIsACallerBugAndTheLimitSaysSo() {
        for (EngineBatchPolicy policy : EngineBatchPolicy.values()) {
            try (TensorRtUNetRuntime unet = runtime("2x2x3,4x2x3", policy)) {
                assertEquals(OptionalInt.of(4), unet.maxBatch(H, W));
                assertEquals(OptionalInt.of(0), unet.maxBatch(8, 8), "no engine for the size");
                assertThrows(IllegalArgumentException.class, () -> unet.engineFor(5, H, W));
                assertThrows(IllegalArgumentException.class, () -> unet.engineFor(1, 8, 8));
                assertThrows(IllegalArgumentException.class,
                        () -> unet.predictNoise(items(5, 0f), 3f, states(5), 5, H, W));
            }
        }
    }

    @Test
    void inputsArePaddedWithZeroItemsAndTheOutputIsCutBack() {
        try (TensorRtUNetRuntime unet = runtime("2x2x3,4x2x3", EngineBatchPolicy.FIXED)) {
            float[] sample = items(3, 1f);
            float[] out = unet.predictNoise(sample, 7f, states(3), 3, H, W);
            assertEquals(List.of(new EngineProfile(4, H, W)), calls);
            float[] padded = paddedSamples.get(0);
            assertArrayEquals(sample, Arrays.copyOf(padded, sample.length));
            assertArrayEquals(new float[SAMPLE_ITEM], Arrays.copyOfRange(padded, sample.length, padded.length));
            assertEquals(3 * SAMPLE_ITEM, out.length);
            for (int b = 0; b < 3; b++) {
                assertEquals(0.5f * sample[b * SAMPLE_ITEM] + 7f + (b + 1) + 1e-4f * 4, out[b * SAMPLE_ITEM], 0f);
            }
        }
    }

    @Test
    void withAFixedBatchAnItemsOutputDoesNotDependOnItsBatch() {
        assertTrue(outputsAloneAndInABatchAgree(EngineBatchPolicy.FIXED));
        assertFalse(outputsAloneAndInABatchAgree(EngineBatchPolicy.SMALLEST_FITTING),
                "the fake engines differ like real builds may; the smallest-fitting policy shows it");
    }

    /** Item 0 alone (batch 1) and first of a batch of 4: same output values? */
    private boolean outputsAloneAndInABatchAgree(EngineBatchPolicy policy) {
        try (TensorRtUNetRuntime unet = runtime("1x2x3,2x2x3,4x2x3", policy)) {
            float[] batchOfFour = items(4, 2f);
            float[] alone = unet.predictNoise(Arrays.copyOf(batchOfFour, SAMPLE_ITEM), 5f, states(1), 1, H, W);
            float[] inBatch = unet.predictNoise(batchOfFour, 5f, states(4), 4, H, W);
            return Arrays.equals(alone, Arrays.copyOf(inBatch, SAMPLE_ITEM));
        }
    }

    @Test
    void closingTheRuntimeClosesEveryEngine() {
        runtime("1x2x3,2x2x3,4x4x4", EngineBatchPolicy.FIXED).close();
        assertEquals(3, closed);
    }

    @Test
    void largestPerSizeListsOneProfilePerLatentSize() {
        assertEquals(List.of(new EngineProfile(8, 64, 64), new EngineProfile(2, 96, 64)),
                EngineProfiles.parse("2x96x64,1x64x64,8x64x64,4x64x64").largestPerSize());
    }
}
