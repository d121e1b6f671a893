package io.sdfleet.worker.rng;

/**
 * The float32 logarithm, sine and cosine that PyTorch's x86 CPU build uses inside {@code randn} for float
 * tensors of 16 or more elements, reproduced operation for operation so the normal samples match bit for
 * bit.
 *
 * <p>Why these and not {@link StrictMath}: on an AVX2 machine torch 1.13 does not call libm for this path.
 * Its kernel ({@code normal_fill_16_AVX2}) evaluates Cephes-style polynomials from {@code avx_mathfun.h}
 * in single precision, and GCC (default {@code -ffp-contract=fast}, {@code -mfma}) fuses each multiply whose
 * only use is an add or subtract into one fused multiply-add. Correctly rounded float maths differs from
 * that in the last bit for about 1% of the samples; this class reproduces the contracted sequence, checked
 * against torch's own output (golden/rng/torch_randn.json, every element equal). Each step below names the
 * rounding it performs: {@code fma(a, b, c)} rounds once, a plain expression rounds per operation.
 *
 * <p>Stateless and thread-safe. Valid for the inputs the sampler gives it: {@code log} for x in (0, 1],
 * {@code sincos} for x in [0, 2π).
 */
final class Avx2BoxMullerMath {

    private static final float SQRT_HALF = 0.707106781186547524f;
    /** Polynomial for log(1 + x) - x + x²/2 over x in [√½ - 1, √2 - 1], highest power first. */
    private static final float[] LOG_POLY = {
        7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f,
    };
    /** ln 2 split in a short high part and a correction, so that e·ln2 keeps its precision. */
    private static final float LN2_LOW = -2.12194440e-4f;
    private static final float LN2_HIGH = 0.693359375f;

    private static final float FOUR_OVER_PI = 1.27323954473516f;
    /** π/4 split in three parts for the "extended precision" argument reduction. */
    private static final float MINUS_PI4_PART1 = -0.78515625f;
    private static final float MINUS_PI4_PART2 = -2.4187564849853515625e-4f;
    private static final float MINUS_PI4_PART3 = -3.77489497744594108e-8f;
    private static final float SIN_P0 = -1.9515295891E-4f;
    private static final float SIN_P1 = 8.3321608736E-3f;
    private static final float SIN_P2 = -1.6666654611E-1f;
    private static final float COS_P0 = 2.443315711809948E-005f;
    private static final float COS_P1 = -1.388731625493765E-003f;
    private static final float COS_P2 = 4.166664568298827E-002f;

    private static final int EXPONENT_MASK = 0x7f800000;
    private static final int SIGN_MASK = 0x80000000;
    private static final float SMALLEST_NORMAL = Float.MIN_NORMAL;

    private Avx2BoxMullerMath() {
    }

    /** Natural logarithm of x in (0, 1], as torch's {@code log256_ps} computes it after FMA contraction. */
    static float log(float x) {
        x = Math.max(x, SMALLEST_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        // Split x = m · 2^e with the mantissa m in [0.5, 1).
        float e = (float) ((bits >>> 23) - 0x7f) + 1.0f;
        x = Float.intBitsToFloat((bits & ~EXPONENT_MASK) | Float.floatToRawIntBits(0.5f));
        // Move m into [√½, √2): if m < √½ use 2m - 1 and e - 1, else m - 1.
        boolean belowSqrtHalf = x < SQRT_HALF;
        float extra = belowSqrtHalf ? x : 0.0f;
        x = x - 1.0f;
        e = e - (belowSqrtHalf ? 1.0f : 0.0f);
        x = x + extra;

        float z = x * x;
        float y = LOG_POLY[0];
        for (int i = 1; i < LOG_POLY.length; i++) {
            y = Math.fma(y, x, LOG_POLY[i]);
        }
        y = y * x;
        y = Math.fma(y, z, e * LN2_LOW);
        y = Math.fma(-z, 0.5f, y);
        float sum = x + y;
        return Math.fma(e, LN2_HIGH, sum);
    }

    /**
     * Sine and cosine of x in [0, 2π), as torch's {@code sincos256_ps} computes them after FMA
     * contraction. Writes the sine to {@code out[0]} and the cosine to {@code out[1]}.
     */
    static void sinCos(float x, float[] out) {
        int signOfSin = Float.floatToRawIntBits(x) & SIGN_MASK;
        x = Math.abs(x);
        // Octant j (rounded up to even) and its reduction x - j·π/4, in three fused steps.
        int octant = ((int) (x * FOUR_OVER_PI) + 1) & ~1;
        float j = (float) octant;
        x = Math.fma(j, MINUS_PI4_PART1, x);
        x = Math.fma(j, MINUS_PI4_PART2, x);
        x = Math.fma(j, MINUS_PI4_PART3, x);

        signOfSin ^= (octant & 4) << 29;
        int signOfCos = (~(octant - 2) & 4) << 29;
        boolean sinUsesSinPolynomial = (octant & 2) == 0;

        float z = x * x;
        float cosPoly = Math.fma(COS_P0, z, COS_P1);
        cosPoly = Math.fma(cosPoly, z, COS_P2);
        cosPoly = cosPoly * z;
        cosPoly = Math.fma(cosPoly, z, -(z * 0.5f));
        cosPoly = cosPoly + 1.0f;

        float sinPoly = Math.fma(SIN_P0, z, SIN_P1);
        sinPoly = Math.fma(sinPoly, z, SIN_P2);
        sinPoly = sinPoly * z;
        sinPoly = Math.fma(sinPoly, x, x);

        float sin = sinUsesSinPolynomial ? sinPoly : cosPoly;
        float cos = sinUsesSinPolynomial ? cosPoly : sinPoly;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(sin) ^ signOfSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(cos) ^ signOfCos);
    }
}
