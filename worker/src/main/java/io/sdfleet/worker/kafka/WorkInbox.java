package io.sdfleet.worker.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the device and store threads hand results back to the poll thread, which alone touches
 * {@link PartitionOffsets} and the Kafka clients: finished work (to be written and committed) and jobs
 * that must be delivered again (the object store stayed unavailable past its retry deadline).
 *
 * <p>Lock-free queues; the poll thread drains them once per loop. Each result handed in also runs the
 * arrival listener ({@link #onArrival}; the poll loop's {@link PollWaker}), which wakes the poll thread
 * out of {@code poll()}, so a result is committed at once rather than after up to one poll timeout. Also
 * counts the jobs in flight (taken by the device, not yet handed back) for the in-flight gauge.
 */
public final class WorkInbox {

    private final Queue<FinishedWork> finished = new ConcurrentLinkedQueue<>();
    private final Queue<PendingJob> redeliver = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Runnable arrivalListener = () -> { };

    /**
     * Runs {@code listener} on the handing thread after each result handed in (finished or to redeliver).
     * It must be quick and must not throw; the poll loop sets it once, before the other threads start.
     */
    public void onArrival(Runnable listener) {
        this.arrivalListener = Objects.requireNonNull(listener, "listener");
    }

    /** The device took these jobs. */
    public void started(int jobs) {
        inFlight.addAndGet(jobs);
    }

    /** A job (or a refused record) is done; {@code fromDevice} when it was counted by {@link #started}. */
    public void finished(FinishedWork work, boolean fromDevice) {
        finished.add(work);
        if (fromDevice) {
            inFlight.decrementAndGet();
        }
        arrivalListener.run();
    }

    /** These jobs were not done and must be consumed again (their partitions are rewound). */
    public void redeliver(Collection<PendingJob> jobs) {
        redeliver.addAll(jobs);
        inFlight.addAndGet(-jobs.size());
        arrivalListener.run();
    }

    /** A job in flight was given up without a result (shutdown past the grace period). */
    public void abandoned() {
        inFlight.decrementAndGet();
    }

    public List<FinishedWork> drainFinished() {
        List<FinishedWork> out = new ArrayList<>();
        for (FinishedWork w; (w = finished.poll()) != null; ) {
            out.add(w);
        }
        return out;
    }

    public List<PendingJob> drainRedeliveries() {
        List<PendingJob> out = new ArrayList<>();
        for (PendingJob j; (j = redeliver.poll()) != null; ) {
            out.add(j);
        }
        return out;
    }

    /** Whether results wait to be drained (the poll thread then polls without blocking). */
    public boolean hasResults() {
        return !finished.isEmpty() || !redeliver.isEmpty();
    }

    /** Jobs taken by the device and not yet handed back. */
    public int inFlight() {
        return Math.max(0, inFlight.get());
    }
}
