package io.sdfleet.common.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one worker tells the fleet about itself: the value of its record on the compacted fleet topic
 * ({@code sd.fleet}, key = worker id), schema {@value #SCHEMA}. A worker writes one at start, one every heartbeat
 * and one at each state change, and a tombstone (null value) when it leaves cleanly; a worker not heard from for
 * {@value #STALE_AFTER_HEARTBEATS} heartbeats counts as gone (it was killed, or cut off).
 *
 * @param schema         {@value #SCHEMA}
 * @param workerId       the worker's id (also the record key)
 * @param model          the served model's name ({@code SDFLEET_MODEL_NAME})
 * @param modelDigest    the model folder's digest ({@code sha256:...}), null when unknown
 * @param requestsTopic  the topic the worker reads
 * @param workerGroup    its consumer group
 * @param sizes          the image sizes it serves
 * @param schedulers     the schedulers its model's config can drive (wire names)
 * @param modes          what it makes: {@code txt2img} (img2img, inpaint once the pipeline has them)
 * @param runtime        the runtime's identity, as completions report it
 * @param maxBatchImages most images in one UNet call
 * @param version        the sdfleet version of the worker
 * @param state          the worker's state (RUNNING, PAUSED, DRAINING, ...)
 * @param heartbeatMs    the time between two announcements, in milliseconds
 * @param at             when this announcement was made (the worker's clock)
 */
public record WorkerAnnouncement(String schema, String workerId, String model, String modelDigest,
                                 String requestsTopic, String workerGroup, SizeSupport sizes, List<String> schedulers,
                                 List<String> modes, String runtime, int maxBatchImages, String version, String state,
                                 long heartbeatMs, Instant at) {

    /** The schema id this build writes. */
    public static final String SCHEMA = "sdfleet.worker/v1";
    /** Heartbeats missed after which a worker counts as gone. */
    public static final int STALE_AFTER_HEARTBEATS = 3;

    public WorkerAnnouncement {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(model, "model");
        schedulers = schedulers == null ? List.of() : List.copyOf(schedulers);
        modes = modes == null ? List.of() : List.copyOf(modes);
    }

    /** This announcement with another state and time (each heartbeat). */
    public WorkerAnnouncement at(String newState, Instant when) {
        return new WorkerAnnouncement(schema, workerId, model, modelDigest, requestsTopic, workerGroup, sizes,
                schedulers, modes, runtime, maxBatchImages, version, newState, heartbeatMs, when);
    }

    /** How long after {@link #at} this worker counts as gone without another announcement. */
    public Duration staleAfter() {
        return Duration.ofMillis(heartbeatMs).multipliedBy(STALE_AFTER_HEARTBEATS);
    }

    /** Whether the worker counts as alive at {@code now}: heard from within {@link #staleAfter()}, not closed. */
    public boolean isLive(Instant now) {
        return !"CLOSED".equals(state) && !now.isAfter(at.plus(staleAfter()));
    }
}
