package io.sdfleet.local.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Order statistics over benchmark samples. Percentiles use the nearest-rank method (no interpolation). */
final class Stats {

    private Stats() {
    }

    /**
     * The nearest-rank percentile: the smallest sample such that at least {@code p} percent of the samples
     * are at or below it; NaN for no samples.
     */
    static <T> double percentile(List<T> samples, ToDoubleFunction<T> value, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] v = samples.stream().mapToDouble(value).toArray();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    static <T> double median(List<T> samples, ToDoubleFunction<T> value) {
        return percentile(samples, value, 50);
    }

    static <T> double sum(List<T> samples, ToDoubleFunction<T> value) {
        return samples.stream().mapToDouble(value).sum();
    }
}
