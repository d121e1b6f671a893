package io.sdfleet.worker.lifecycle;

/**
 * Lifecycle of one worker, exported as a gauge (the ordinal) and logged on every change.
 *
 * <p>Transitions: STARTING → RUNNING ⇄ PAUSED → DRAINING → CLOSING → CLOSED. A fatal error jumps from any
 * state to CLOSING. PAUSED means the pending set is full and the poll loop polls with every partition
 * paused (it keeps polling so the group does not throw it out).
 */
public enum WorkerState {
    /** Clients are being created and the group joined; nothing is consumed yet. */
    STARTING,
    /** Consuming and running batches. */
    RUNNING,
    /** Still polling, but every partition is paused because the pending set is full. */
    PAUSED,
    /** Shutting down: no new records are taken; the batch in flight is finished, stored and committed. */
    DRAINING,
    /** Closing the producer and the consumer (leaving the group). */
    CLOSING,
    /** Everything is closed. */
    CLOSED;

    /** Whether the worker still takes new records. */
    public boolean takesWork() {
        return this == RUNNING || this == PAUSED;
    }
}
