package io.sdfleet.worker.observe;

/**
 * Liveness and readiness of one worker process, as answered by {@link HealthServer}.
 *
 * <ul>
 *   <li>Live until {@link #markDead} (a supervised thread died, the process cannot go on): Kubernetes then
 *       restarts the pod. Dead is final.</li>
 *   <li>Ready between {@link #markReady} (model loaded and warmed up, consumer running) and
 *       {@link #markNotReady} (draining, store unavailable, rebalancing...). Starts not ready with reason
 *       {@value #STARTING}. A dead worker is never ready.</li>
 * </ul>
 *
 * <p>Thread-safe: any thread marks, the HTTP thread reads. One immutable snapshot in a volatile field, so a
 * reader always sees a state and its reason together.
 */
public final class HealthState {

    /** Reason while nothing has been marked yet. */
    public static final String STARTING = "starting";
    /** Reason shown when ready. */
    public static final String READY = "ready";

    private record Snapshot(boolean live, boolean ready, String reason) {
    }

    private volatile Snapshot snapshot = new Snapshot(true, false, STARTING);

    /** Ready to take work; ignored once dead. */
    public synchronized void markReady() {
        if (snapshot.live) {
            snapshot = new Snapshot(true, true, READY);
        }
    }

    /** Not ready, with a reason for the operator (e.g. "loading model", "draining"); ignored once dead. */
    public synchronized void markNotReady(String reason) {
        if (snapshot.live) {
            snapshot = new Snapshot(true, false, requireReason(reason));
        }
    }

    /** Dead for good (a supervised thread failed); the first reason is kept. */
    public synchronized void markDead(String reason) {
        if (snapshot.live) {
            snapshot = new Snapshot(false, false, requireReason(reason));
        }
    }

    public boolean isLive() {
        return snapshot.live;
    }

    public boolean isReady() {
        return snapshot.ready;
    }

    /** Why not ready or not live; {@value #READY} when ready. */
    public String reason() {
        return snapshot.reason;
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "HealthState[live=" + s.live + ", ready=" + s.ready + ", reason=" + s.reason + "]";
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required");
        }
        return reason;
    }
}
