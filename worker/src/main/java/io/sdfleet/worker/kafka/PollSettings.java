package io.sdfleet.worker.kafka;

import java.time.Duration;

/**
 * What the poll loop needs from the worker's settings.
 *
 * @param topic          the requests topic
 * @param pollTimeout    longest block of one {@code poll()} (finished work cuts it short: {@link PollWaker})
 * @param maxPendingJobs jobs taken and not finished at which every partition is paused
 * @param revokeTimeout  longest wait for a revoked partition's in-flight jobs
 * @param closeTimeout   time kept for the final commit and closing the clients, out of the grace period
 * @param commitMaxDelay longest a finished job waits to be committed, so that jobs finishing close together share
 *                       one transaction (0: every finished job is committed at once)
 */
public record PollSettings(String topic, Duration pollTimeout, int maxPendingJobs, Duration revokeTimeout,
                           Duration closeTimeout, Duration commitMaxDelay) {

    /** Without commit coalescing (tests of the other behaviours). */
    public PollSettings(String topic, Duration pollTimeout, int maxPendingJobs, Duration revokeTimeout,
            Duration closeTimeout) {
        this(topic, pollTimeout, maxPendingJobs, revokeTimeout, closeTimeout, Duration.ZERO);
    }
}
