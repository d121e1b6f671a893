package io.sdfleet.worker.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every call into a model runtime goes through here: it is timed (the device's busy time, whose share of the
 * wall time is the worker's duty cycle) and its failure is classified into a {@link RuntimeCallFailure}
 * (STYLE habit 12: at each call into a native runtime, one place decides what a failure is).
 *
 * <p>What is caught: RuntimeExceptions (classified by {@link DeviceSideErrors}), {@link OutOfMemoryError},
 * {@link LinkageError} and other {@link VirtualMachineError}s. Any other Error (an AssertionError, say) is a
 * bug and goes through unchanged. Thread-safe: the busy counter may be read from any thread.
 */
final class RuntimeCalls {
    private final AtomicLong busyNanos = new AtomicLong();

    /**
     * Runs one runtime call.
     *
     * @param what the call, for messages (e.g. "UNet (6 items, latent 8x8)")
     * @return what the call returned
     */
    <T> T call(String what, Supplier<T> call) throws RuntimeCallFailure {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            RuntimeCallFailure.Kind kind = DeviceSideErrors.classify(e)
                    .map(side -> side == DeviceSideErrors.Kind.ALLOCATION ? RuntimeCallFailure.Kind.OUT_OF_MEMORY
                            : RuntimeCallFailure.Kind.DEVICE)
                    .orElse(RuntimeCallFailure.Kind.UNATTRIBUTED);
            throw new RuntimeCallFailure(what, e, kind);
        } catch (OutOfMemoryError e) {
            throw new RuntimeCallFailure(what, e, RuntimeCallFailure.Kind.OUT_OF_MEMORY);
        } catch (LinkageError | VirtualMachineError e) {
            throw new RuntimeCallFailure(what, e, RuntimeCallFailure.Kind.BROKEN);
        } finally {
            busyNanos.addAndGet(System.nanoTime() - start);
        }
    }

    /** Nanoseconds spent inside runtime calls so far. */
    long busyNanos() {
        return busyNanos.get();
    }
}
