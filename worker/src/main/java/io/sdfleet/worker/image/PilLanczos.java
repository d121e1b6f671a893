package io.sdfleet.worker.image;

/**
 * PIL's {@code Image.resize((w, h), resample=Image.LANCZOS)} for 8-bit RGB and L images, bit for bit (Pillow's
 * libImaging/Resample.c, which diffusers' VaeImageProcessor calls for every init image and mask whose size
 * differs from the job's).
 *
 * <p>The algorithm, as Pillow implements it:
 * <ol>
 *   <li>Per axis, per output pixel, a window of input pixels and their weights: scale = in / out;
 *       filterscale = max(scale, 1); support = 3 * filterscale (Lanczos a = 3, widened when shrinking);
 *       center = (i + 0.5) * scale; taps from (int)(center - support + 0.5) to (int)(center + support + 0.5),
 *       clamped to the image; weight = lanczos((x - center + 0.5) / filterscale), with
 *       lanczos(x) = sinc(x) sinc(x / 3) on [-3, 3); weights normalised to sum 1, all in double.</li>
 *   <li>Weights to fixed point with PRECISION_BITS = 22, rounding half away from zero.</li>
 *   <li>A horizontal pass (only for the rows the vertical pass reads), then a vertical pass, each on 8-bit data:
 *       the sum starts at 2^21 (one half), adds pixel x weight as 32-bit ints, and is clipped to 0..255 after an
 *       arithmetic shift by 22. A pass is skipped when its axis keeps its size; same size returns a copy.</li>
 * </ol>
 * The sine is {@link StrictMath#sin} (fdlibm; deterministic on every JVM). Where it differs from glibc's by an
 * ulp, a weight could only change if it fell within 2^-52 of a fixed-point rounding boundary; the golden
 * cases (up, down, non-square, single-axis) are equal to PIL everywhere.
 *
 * <p>Stateless and thread-safe.
 */
public final class PilLanczos {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private PilLanczos() {
    }

    public static RgbImage resize(RgbImage image, int width, int height) {
        return new RgbImage(width, height, resize(image.rgb(), image.width(), image.height(), 3, width, height));
    }

    public static GreyImage resize(GreyImage image, int width, int height) {
        return new GreyImage(width, height, resize(image.pixels(), image.width(), image.height(), 1, width, height));
    }

    /** Interleaved 8-bit pixels with {@code bands} samples each. */
    static byte[] resize(byte[] in, int inW, int inH, int bands, int outW, int outH) {
        if (outW < 1 || outH < 1) {
            throw new IllegalArgumentException("target size must be at least 1x1, got " + outW + "x" + outH);
        }
        if (inW == outW && inH == outH) {
            return in.clone();
        }
        Coefficients horizontal = Coefficients.of(inW, outW);
        Coefficients vertical = Coefficients.of(inH, outH);
        byte[] current = in;
        int currentH = inH;
        int firstRow = 0;
        if (inW != outW) {
            // only the rows the vertical pass reads (all of them when the height stays)
            firstRow = inH != outH ? vertical.start[0] : 0;
            int lastRow = inH != outH ? vertical.start[outH - 1] + vertical.count[outH - 1] : inH;
            current = horizontalPass(in, inW, bands, firstRow, lastRow - firstRow, horizontal, outW);
            currentH = lastRow - firstRow;
        }
        if (inH == outH) {
            return current;
        }
        return verticalPass(current, outW, currentH, bands, firstRow, vertical, outH);
    }

    private static byte[] horizontalPass(byte[] in, int inW, int bands, int firstRow, int rows, Coefficients k,
            int outW) {
        byte[] out = new byte[outW * rows * bands];
        for (int y = 0; y < rows; y++) {
            int rowStart = (firstRow + y) * inW * bands;
            for (int x = 0; x < outW; x++) {
                int start = k.start[x];
                int count = k.count[x];
                int base = x * k.size;
                for (int c = 0; c < bands; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < count; i++) {
                        sum += (in[rowStart + (start + i) * bands + c] & 0xFF) * k.weights[base + i];
                    }
                    out[(y * outW + x) * bands + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] in, int w, int inRows, int bands, int rowOffset, Coefficients k,
            int outH) {
        byte[] out = new byte[w * outH * bands];
        int rowBytes = w * bands;
        for (int y = 0; y < outH; y++) {
            int start = k.start[y] - rowOffset;
            int count = k.count[y];
            int base = y * k.size;
            for (int x = 0; x < rowBytes; x++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < count; i++) {
                    sum += (in[(start + i) * rowBytes + x] & 0xFF) * k.weights[base + i];
                }
                out[y * rowBytes + x] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    static double lanczos(double x) {
        if (-SUPPORT <= x && x < SUPPORT) {
            return sinc(x) * sinc(x / 3);
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return StrictMath.sin(px) / px;
    }

    /** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis (box = the whole image). */
    private record Coefficients(int size, int[] start, int[] count, int[] weights) {

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) ((float) inSize - 0.0f) / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = SUPPORT * filterscale;
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * size];
            double[] k = new double[size];
            for (int xx = 0; xx < outSize; xx++) {
                double center = 0.0 + (xx + 0.5) * scale;
                double ww = 0.0;
                double ss = 1.0 / filterscale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                for (int x = 0; x < xmax; x++) {
                    double w = lanczos((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        k[x] /= ww;
                    }
                    double fixed = k[x] * (1 << PRECISION_BITS);
                    weights[xx * size + x] = k[x] < 0 ? (int) (-0.5 + fixed) : (int) (0.5 + fixed);
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(size, start, count, weights);
        }
    }
}
