package io.sdfleet.worker.pipeline;

/**
 * Accumulates a {@link StageTime} while a stage runs: {@link #start()} / {@link #stop()} bracket the stage
 * (possibly several times, e.g. once per chunk), {@link #addRuntime} adds the time of each runtime call.
 *
 * <p>Mutable and not thread-safe: one per stage per batch, used by the device thread only.
 */
final class StageClock {
    private long totalNanos;
    private long runtimeNanos;
    private long startedAt = -1;

    void start() {
        if (startedAt >= 0) {
            throw new IllegalStateException("stage clock already running");
        }
        startedAt = System.nanoTime();
    }

    void stop() {
        if (startedAt < 0) {
            throw new IllegalStateException("stage clock not running");
        }
        totalNanos += System.nanoTime() - startedAt;
        startedAt = -1;
    }

    void addRuntime(long nanos) {
        runtimeNanos += nanos;
    }

    StageTime time() {
        return new StageTime(totalNanos, Math.min(runtimeNanos, totalNanos));
    }
}
