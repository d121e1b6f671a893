package io.sdfleet.local.demo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot "stop now" from outside the demo's thread: Ctrl-C (a JVM shutdown hook triggers it, see
 * {@link io.sdfleet.local.FleetDemo#main}) or a test. The demo checks it while it waits, and
 * {@code --keep-running} waits for it. Thread-safe; triggering twice is harmless.
 */
public final class StopSignal {

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Asks the demo to stop what it is doing, clean up and return. */
    public void trigger() {
        stop.countDown();
    }

    public boolean isTriggered() {
        return stop.getCount() == 0;
    }

    /**
     * Waits until triggered or {@code timeout} passed.
     *
     * @return whether the signal was triggered
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until triggered. */
    public void await() throws InterruptedException {
        stop.await();
    }
}
