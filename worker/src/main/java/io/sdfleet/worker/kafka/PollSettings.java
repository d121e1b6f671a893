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
 */
public record PollSettings(String topic, Duration pollTimeout, int maxPendingJobs, Duration revokeTimeout,
                           Duration closeTimeout) {
}
