package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Properties of torch's sampling that the golden cases (fresh generator, one call) do not cover. */
class TorchGeneratorTest {

    @Test
    void onlyTheLow32BitsOfTheSeedMatter() {
        assertArrayEquals(new TorchGenerator(42).randn(100), new TorchGenerator(42 + (1L << 32)).randn(100));
        assertArrayEquals(new TorchGenerator(0xffffffffL).randn(20), new TorchGenerator(-1L).randn(20));
    }

    @Test
    void scalarPathKeepsTheSecondBoxMullerValueAcrossCalls() {
        // Below 16 elements each pair of values comes from one Box-Muller draw; the sine half is cached
        // in the generator, so splitting one request into several must not change the stream.
        float[] whole = new TorchGenerator(7).randn(8);
        TorchGenerator split = new TorchGenerator(7);
        float[] parts = new float[8];
        split.randn(parts, 0, 3);
        split.randn(parts, 3, 1);
        split.randn(parts, 4, 4);
        assertArrayEquals(whole, parts);
    }

    @Test
    void blockPathNeitherUsesNorClearsTheCachedNormal() {
        TorchGenerator a = new TorchGenerator(11);
        a.randn(1); // caches the sine half
        a.randn(16);
        float afterBlock = a.randn(1)[0];
        float cachedHalf = new TorchGenerator(11).randn(2)[1];
        assertEquals(Float.floatToIntBits(cachedHalf), Float.floatToIntBits(afterBlock));
    }

    @Test
    void fillsExactlyTheRequestedRange() {
        for (int length : new int[] {0, 5, 16, 37}) {
            float[] dest = new float[length + 6];
            Arrays.fill(dest, Float.NaN);
            new TorchGenerator(3).randn(dest, 3, length);
            assertArrayEquals(new TorchGenerator(3).randn(length), Arrays.copyOfRange(dest, 3, 3 + length));
            for (int i : new int[] {0, 1, 2, length + 3, length + 4, length + 5}) {
                assertTrue(Float.isNaN(dest[i]), "wrote outside the range at " + i + " for length " + length);
            }
        }
    }

    @Test
    void partialLastBlockIsRedrawnNotTruncated() {
        // n = 20: the first block comes from the first 16 uniforms, so values 0..3 equal those of n = 16,
        // while 4..19 come from 16 fresh uniforms and so differ from n = 16's values 4..15.
        float[] sixteen = new TorchGenerator(5).randn(16);
        float[] twenty = new TorchGenerator(5).randn(20);
        assertArrayEquals(Arrays.copyOf(sixteen, 4), Arrays.copyOf(twenty, 4));
        assertTrue(!Arrays.equals(Arrays.copyOfRange(sixteen, 4, 16), Arrays.copyOfRange(twenty, 4, 16)));
    }

    @Test
    void samplesLookStandardNormal() {
        for (int chunk : new int[] {15, 16_391}) { // scalar path and block path with a partial tail
            TorchGenerator generator = new TorchGenerator(2024);
            float[] values = new float[chunk * (32_768 / chunk + 1)];
            for (int offset = 0; offset < values.length; offset += chunk) {
                generator.randn(values, offset, chunk);
            }
            double sum = 0;
            double squares = 0;
            for (float v : values) {
                assertTrue(Float.isFinite(v));
                sum += v;
                squares += (double) v * v;
            }
            double mean = sum / values.length;
            double variance = squares / values.length - mean * mean;
            double sigmaOfMean = 1 / Math.sqrt(values.length);
            assertEquals(0.0, mean, 6 * sigmaOfMean, "mean, chunks of " + chunk);
            assertEquals(1.0, variance, 6 * Math.sqrt(2) * sigmaOfMean, "variance, chunks of " + chunk);
        }
    }

    @Test
    void avx2MathStaysCloseToCorrectlyRoundedMath() {
        float[] sinCos = new float[2];
        for (int i = 1; i <= 1 << 24; i += 97) {
            float u = i * 0x1.0p-24f;
            float expectedLog = (float) StrictMath.log(u);
            float log = Avx2BoxMullerMath.log(u);
            assertTrue(Math.abs(log - expectedLog) <= 2 * Math.ulp(expectedLog) + 1e-7f,
                    "log(" + u + ") = " + log + ", expected " + expectedLog);
            float theta = (float) (2.0 * Math.PI) * (u - 0x1.0p-24f);
            Avx2BoxMullerMath.sinCos(theta, sinCos);
            assertEquals(StrictMath.sin(theta), sinCos[0], 3e-7, "sin(" + theta + ")");
            assertEquals(StrictMath.cos(theta), sinCos[1], 3e-7, "cos(" + theta + ")");
        }
    }

    @Test
    void rejectsBadRanges() {
        TorchGenerator g = new TorchGenerator(1);
        assertThrows(IllegalArgumentException.class, () -> g.randn(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> g.randn(new float[4], 2, 3));
        assertThrows(NullPointerException.class, () -> g.randn(null, 0, 0));
    }
}
