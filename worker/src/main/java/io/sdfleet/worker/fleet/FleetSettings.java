package io.sdfleet.worker.fleet;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * How a worker tells the fleet about itself: its catalog heartbeat on the fleet topic ({@link FleetAnnouncer}) and
 * the pace of its job progress events ({@link ProgressPublisher}).
 *
 * @param heartbeat           time between two announcements; readers count a worker gone after
 *                            {@link io.sdfleet.common.fleet.WorkerAnnouncement#STALE_AFTER_HEARTBEATS} of them
 * @param progressMinInterval shortest time between two step events of one job (bounds their rate per job)
 * @param progress            whether progress events are published at all
 */
public record FleetSettings(Duration heartbeat, Duration progressMinInterval, boolean progress) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROGRESS_MIN_INTERVAL = Duration.ofMillis(250);
    public static final boolean DEFAULT_PROGRESS = true;

    public static final Setting<Duration> HEARTBEAT = Setting.duration("SDFLEET_FLEET_HEARTBEAT", DEFAULT_HEARTBEAT,
            Duration.ofMillis(100), Duration.ofMinutes(5),
            "Time between two announcements of the worker on the fleet topic; a worker not heard from for 3 of them"
                    + " counts as gone.");
    public static final Setting<Duration> PROGRESS_MIN_INTERVAL = Setting.duration("SDFLEET_PROGRESS_MIN_INTERVAL",
            DEFAULT_PROGRESS_MIN_INTERVAL, Duration.ZERO, Duration.ofMinutes(1),
            "Shortest time between two denoising-step progress events of one job (250ms: at most 4 a second).");
    public static final Setting<Boolean> PROGRESS = Setting.bool("SDFLEET_PROGRESS", DEFAULT_PROGRESS,
            "Publish job progress events (queued, started, steps, decoding, storing) to SDFLEET_TOPIC_PROGRESS.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(HEARTBEAT, PROGRESS_MIN_INTERVAL, PROGRESS);

    /** Reads these settings into a shared reader; call {@link ConfigReader#throwIfInvalid()} before use. */
    public static FleetSettings read(ConfigReader reader) {
        return new FleetSettings(reader.get(HEARTBEAT), reader.get(PROGRESS_MIN_INTERVAL), reader.get(PROGRESS));
    }

    /** The defaults (tests). */
    public static FleetSettings defaults() {
        return new FleetSettings(DEFAULT_HEARTBEAT, DEFAULT_PROGRESS_MIN_INTERVAL, DEFAULT_PROGRESS);
    }
}
