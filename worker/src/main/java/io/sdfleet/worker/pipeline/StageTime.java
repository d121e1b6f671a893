package io.sdfleet.worker.pipeline;

/**
 * Wall time of one pipeline stage of one batch, split into time spent inside runtime calls (the native
 * model, including DJL's copies of the inputs into native tensors and of the outputs back) and the rest,
 * the Java side (tokenizer, schedulers, guidance, RNG, array copies, pixel conversion).
 *
 * @param totalNanos wall time of the whole stage
 * @param runtimeNanos the part spent inside runtime calls
 */
public record StageTime(long totalNanos, long runtimeNanos) {

    public static final StageTime ZERO = new StageTime(0, 0);

    public StageTime {
        if (totalNanos < 0 || runtimeNanos < 0) {
            throw new IllegalArgumentException("times must not be negative: " + totalNanos + ", " + runtimeNanos);
        }
    }

    /** Time outside runtime calls. */
    public long javaNanos() {
        return Math.max(0, totalNanos - runtimeNanos);
    }

    /** Total in milliseconds (as completion events report it). */
    public double totalMillis() {
        return totalNanos / 1e6;
    }

    public StageTime plus(StageTime other) {
        return new StageTime(totalNanos + other.totalNanos, runtimeNanos + other.runtimeNanos);
    }
}
