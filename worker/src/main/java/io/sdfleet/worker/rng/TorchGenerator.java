package io.sdfleet.worker.rng;

import java.util.Objects;

/**
 * A CPU random generator whose {@link #randn} output equals PyTorch 1.13's
 * {@code torch.randn(n, generator=torch.Generator('cpu').manual_seed(seed), dtype=torch.float32)} bit for
 * bit on an x86 machine with AVX2 (every x86 server of the last decade; the golden vectors were made there).
 *
 * <p>How torch draws, and therefore this class:
 * <ul>
 *   <li>Engine: {@code at::mt19937} seeded with the low 32 bits of the seed (so seeds that differ only
 *       above bit 31 give the same stream, as in torch).
 *   <li>Uniform float: one 32-bit draw, its low 24 bits times 2^-24, giving [0, 1).
 *       Uniform double: one 64-bit draw (first 32-bit draw is the high word), its low 53 bits times
 *       2^-53.
 *   <li>{@code randn} of n &ge; 16 values ({@code normal_fill}): first n uniform floats for the whole
 *       tensor, then Box–Muller on each full block of 16, pairing element i with i + 8 (radius from i,
 *       angle from i + 8; cosine goes to i, sine to i + 8), in float32 with torch's AVX2 maths
 *       ({@link Avx2BoxMullerMath}). When n is not a multiple of 16, the last 16 positions (overlapping
 *       the previous block) are refilled with 16 fresh uniform floats and transformed again.
 *   <li>{@code randn} of n &lt; 16 values: per element {@code at::normal_distribution<double>}: two uniform
 *       doubles u1, u2, radius √(−2 ln(1 − u2)), angle 2π·u1, returns radius·cos and keeps radius·sin in
 *       the generator as a cached "next normal", which the next scalar draw returns without touching the
 *       engine. The cache survives across calls (torch keeps it in the generator too) and the n &ge; 16
 *       path neither reads nor clears it. Double maths uses {@link StrictMath}, so the result does not
 *       depend on the JVM's intrinsics.
 * </ul>
 *
 * <p>Non-x86 torch builds (e.g. Apple silicon) take a different code path for n &ge; 16 and can differ
 * from this class in the last bit; that is a property of torch, not a bug here.
 *
 * <p>Not thread-safe: use one generator per image, owned by one thread at a time.
 */
public final class TorchGenerator {

    /** torch switches from the per-element sampler to the blockwise {@code normal_fill} at this size. */
    static final int BLOCK_FILL_MIN_SIZE = 16;
    private static final int HALF_BLOCK = 8;
    private static final float FLOAT_UNIFORM_SCALE = 0x1.0p-24f;
    private static final int FLOAT_UNIFORM_MASK = (1 << 24) - 1;
    private static final double DOUBLE_UNIFORM_SCALE = 0x1.0p-53;
    private static final long DOUBLE_UNIFORM_MASK = (1L << 53) - 1;
    /** torch builds the AVX2 constant as {@code (float)(2.0f * pi<double>)}. */
    private static final float TWO_PI_FLOAT = (float) (2.0 * Math.PI);
    private static final float MEAN = 0.0f;
    private static final float STD = 1.0f;

    private final long seed;
    private final Mt19937 engine;
    private final float[] sinCos = new float[2];
    private boolean hasCachedNormal;
    private double cachedNormal;

    /**
     * Same as {@code torch.Generator('cpu').manual_seed(seed)}. The seed is taken as the unsigned 64-bit
     * value of its bits (a negative long stands for seed + 2^64, as torch reads a negative Python int).
     */
    public TorchGenerator(long seed) {
        this.seed = seed;
        this.engine = new Mt19937(seed);
    }

    /** The seed this generator was created with (unsigned; print with {@link Long#toUnsignedString}). */
    public long seed() {
        return seed;
    }

    /** {@code torch.randn(length)}: a new array of {@code length} standard normal float32 values. */
    public float[] randn(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        float[] values = new float[length];
        randn(values, 0, length);
        return values;
    }

    /**
     * Fills {@code dest[offset .. offset+length)} with what {@code torch.randn} returns for a contiguous
     * float32 tensor of {@code length} elements, and advances the generator exactly as torch does.
     * Nothing outside that range is read or written.
     *
     * @throws IndexOutOfBoundsException if the range does not lie inside {@code dest}
     */
    public void randn(float[] dest, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(dest, "dest").length);
        if (length >= BLOCK_FILL_MIN_SIZE) {
            fillBlockwise(dest, offset, length);
        } else {
            for (int i = 0; i < length; i++) {
                dest[offset + i] = (float) (nextScalarNormal() * STD + MEAN);
            }
        }
    }

    /** torch's {@code normal_fill}: all uniforms first, Box–Muller per block of 16, redo a partial tail. */
    private void fillBlockwise(float[] dest, int offset, int length) {
        for (int i = 0; i < length; i++) {
            dest[offset + i] = nextUniformFloat();
        }
        int end = offset + length;
        for (int block = offset; block + BLOCK_FILL_MIN_SIZE <= end; block += BLOCK_FILL_MIN_SIZE) {
            boxMullerBlock(dest, block);
        }
        if (length % BLOCK_FILL_MIN_SIZE != 0) {
            int tail = end - BLOCK_FILL_MIN_SIZE;
            for (int i = 0; i < BLOCK_FILL_MIN_SIZE; i++) {
                dest[tail + i] = nextUniformFloat();
            }
            boxMullerBlock(dest, tail);
        }
    }

    /** Turns 16 uniforms at {@code start} into 16 normals, in place (torch's {@code normal_fill_16}). */
    private void boxMullerBlock(float[] data, int start) {
        for (int j = start; j < start + HALF_BLOCK; j++) {
            float u1 = 1.0f - data[j]; // [0, 1) -> (0, 1] so the logarithm is finite
            float u2 = data[j + HALF_BLOCK];
            float radius = (float) Math.sqrt(-2.0f * Avx2BoxMullerMath.log(u1));
            Avx2BoxMullerMath.sinCos(TWO_PI_FLOAT * u2, sinCos);
            data[j] = Math.fma(radius * sinCos[1], STD, MEAN);
            data[j + HALF_BLOCK] = Math.fma(radius * sinCos[0], STD, MEAN);
        }
    }

    /** torch's {@code normal_distribution<double>} with the generator's cached second value. */
    private double nextScalarNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextUniformDouble();
        double u2 = nextUniformDouble();
        double radius = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = radius * StrictMath.sin(theta);
        hasCachedNormal = true;
        return radius * StrictMath.cos(theta);
    }

    private float nextUniformFloat() {
        return (engine.nextInt() & FLOAT_UNIFORM_MASK) * FLOAT_UNIFORM_SCALE;
    }

    private double nextUniformDouble() {
        return (engine.nextLong() & DOUBLE_UNIFORM_MASK) * DOUBLE_UNIFORM_SCALE;
    }
}
