package io.sdfleet.worker.consume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests past their deadline are not run: when the device thread takes a batch, jobs whose deadline is
 * at or before "now" are split off and get an EXPIRED completion. A job without a deadline never expires.
 * Pure; the device thread passes its injected clock's time.
 */
public final class Deadlines {

    /** A batch split into the jobs to complete as EXPIRED and the jobs to run, both in batch order. */
    public record Split(List<PendingJob> expired, List<PendingJob> runnable) {
    }

    private Deadlines() {
    }

    public static boolean isExpired(PendingJob job, Instant now) {
        Instant deadline = job.request().deadline();
        return deadline != null && !deadline.isAfter(now);
    }

    public static Split split(List<PendingJob> batch, Instant now) {
        List<PendingJob> expired = new ArrayList<>();
        List<PendingJob> runnable = new ArrayList<>();
        for (PendingJob job : batch) {
            (isExpired(job, now) ? expired : runnable).add(job);
        }
        return new Split(List.copyOf(expired), List.copyOf(runnable));
    }
}
