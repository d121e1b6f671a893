package io.sdfleet.worker.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's lifecycle, shared by its threads: the current {@link WorkerState}, the drain deadline after
 * a shutdown request, and the first fatal failure of any thread.
 *
 * <p>Who changes what: the poll thread moves RUNNING ⇄ PAUSED and on to CLOSING and CLOSED; a shutdown
 * request (SIGTERM hook, {@code Worker.shutdown}) moves to DRAINING; any thread may report a fatal failure,
 * which moves to CLOSING and is rethrown by the controlling thread ({@code Worker.awaitTermination}).
 * Thread-safe: the state and the failure are atomic references; state changes are logged once each.
 */
public final class ShutdownController {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownController.class);

    private final AtomicReference<WorkerState> state = new AtomicReference<>(WorkerState.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Consumer<WorkerState> onChange;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;

    /** @param onChange told of every state change (e.g. readiness); called on the changing thread */
    public ShutdownController(Consumer<WorkerState> onChange) {
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    public WorkerState state() {
        return state.get();
    }

    /** Moves RUNNING ⇄ PAUSED (or STARTING → RUNNING); ignored once draining or closing. */
    public void running(boolean paused) {
        WorkerState target = paused ? WorkerState.PAUSED : WorkerState.RUNNING;
        WorkerState current;
        do {
            current = state.get();
            if (!(current.takesWork() || current == WorkerState.STARTING) || current == target) {
                return;
            }
        } while (!state.compareAndSet(current, target));
        changed(current, target);
    }

    /**
     * Stop taking work and finish what is in flight within {@code grace}. Idempotent: a second request
     * does not extend the deadline.
     */
    public void requestDrain(Duration grace) {
        WorkerState current;
        do {
            current = state.get();
            if (!(current.takesWork() || current == WorkerState.STARTING)) {
                return;
            }
        } while (!state.compareAndSet(current, WorkerState.DRAINING));
        drainDeadlineNanos = System.nanoTime() + grace.toNanos();
        changed(current, WorkerState.DRAINING);
    }

    /** The poll thread is closing the clients. */
    public void closing() {
        moveTo(WorkerState.CLOSING);
    }

    /** Everything is closed. */
    public void closed() {
        moveTo(WorkerState.CLOSED);
    }

    /** Records a fatal failure (the first one wins) and moves to CLOSING. */
    public void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            LOG.error("fatal: {}", cause.toString(), cause);
        }
        if (state.get() != WorkerState.CLOSED) {
            moveTo(WorkerState.CLOSING);
        }
    }

    /** The first fatal failure, or null. */
    public Throwable failure() {
        return failure.get();
    }

    public boolean failed() {
        return failure.get() != null;
    }

    /** Nanoseconds left until the drain deadline (negative when past; huge when not draining). */
    public long drainNanosLeft() {
        long deadline = drainDeadlineNanos;
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    private void moveTo(WorkerState target) {
        WorkerState previous = state.getAndSet(target);
        if (previous != target) {
            changed(previous, target);
        }
    }

    private void changed(WorkerState from, WorkerState to) {
        LOG.info("worker state {} -> {}", from, to);
        onChange.accept(to);
    }
}
