package io.sdfleet.worker.image;

import java.util.SplittableRandom;

/**
 * Deterministic test pictures that compress like Stable Diffusion output: a smooth two-tone background
 * gradient, soft-edged shapes, multi-octave value noise for texture (large, medium and fine grain), and
 * mild per-pixel noise. Neither flat (which any encoder shrinks to nothing) nor white noise (which no
 * encoder can shrink), so encoder settings compare as they would on real images.
 */
public final class SyntheticImages {

    private SyntheticImages() {
    }

    /** A {@code width x height} "generated-looking" image; the same seed gives the same pixels. */
    public static RgbImage generatedLooking(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ValueNoise coarse = new ValueNoise(random, 96);
        ValueNoise medium = new ValueNoise(random, 24);
        ValueNoise fine = new ValueNoise(random, 5);
        double[][] blobs = new double[6][];
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new double[] {random.nextDouble() * width, random.nextDouble() * height,
                (0.08 + random.nextDouble() * 0.2) * Math.min(width, height),
                random.nextDouble() * 255, random.nextDouble() * 255, random.nextDouble() * 255};
        }
        double[] top = {70 + random.nextDouble() * 60, 110 + random.nextDouble() * 60, 180 + random.nextDouble() * 60};
        double[] bottom = {90 + random.nextDouble() * 60, 70 + random.nextDouble() * 40, 40 + random.nextDouble() * 40};
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            double t = (double) y / Math.max(1, height - 1);
            for (int x = 0; x < width; x++) {
                double texture = 40 * coarse.at(x, y) + 14 * medium.at(x, y) + 6 * fine.at(x, y);
                for (int ch = 0; ch < 3; ch++) {
                    double v = top[ch] * (1 - t) + bottom[ch] * t;
                    for (double[] blob : blobs) {
                        double d = Math.hypot(x - blob[0], y - blob[1]) / blob[2];
                        double weight = 1 / (1 + Math.exp((d - 1) * 8)); // soft edge
                        v = v * (1 - weight) + blob[3 + ch] * weight;
                    }
                    v += texture * (0.8 + 0.2 * ch) + random.nextGaussian() * 2.5;
                    rgb[(y * width + x) * 3 + ch] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Smoothly interpolated random lattice values in [-1, 1] with the given cell size in pixels. */
    private static final class ValueNoise {
        private static final int SIZE = 256;
        private final double[] lattice = new double[SIZE * SIZE];
        private final int cell;

        ValueNoise(SplittableRandom random, int cell) {
            this.cell = cell;
            for (int i = 0; i < lattice.length; i++) {
                lattice[i] = random.nextDouble() * 2 - 1;
            }
        }

        double at(int x, int y) {
            double fx = (double) x / cell;
            double fy = (double) y / cell;
            int x0 = (int) fx;
            int y0 = (int) fy;
            double sx = smooth(fx - x0);
            double sy = smooth(fy - y0);
            double a = value(x0, y0) * (1 - sx) + value(x0 + 1, y0) * sx;
            double b = value(x0, y0 + 1) * (1 - sx) + value(x0 + 1, y0 + 1) * sx;
            return a * (1 - sy) + b * sy;
        }

        private double value(int x, int y) {
            return lattice[(y % SIZE) * SIZE + (x % SIZE)];
        }

        private static double smooth(double t) {
            return t * t * (3 - 2 * t);
        }
    }
}
