package io.sdfleet.worker.device;

import io.sdfleet.worker.kafka.PendingJob;
import java.time.Instant;

/**
 * Requests past their deadline are not run: a waiting job whose deadline is at or before "now" is taken out of
 * the queue before admission and completed EXPIRED ({@link WaitingJobs#removeExpired}); a job admitted before
 * its deadline runs to its end. A job without a deadline never expires. Pure; the device thread passes its
 * injected clock's time.
 */
public final class Deadlines {

    private Deadlines() {
    }

    public static boolean isExpired(PendingJob job, Instant now) {
        Instant deadline = job.request().deadline();
        return deadline != null && !deadline.isAfter(now);
    }

}
