package io.sdfleet.producer;

import io.sdfleet.common.fleet.FleetCatalog;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import io.sdfleet.producer.kafka.FleetReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The producer's check, before sending, that some live worker serves the model a request names: a live worker in
 * the fleet catalog ({@link FleetReader}) reads the request's topic and serves that model (any model for a request
 * naming none). The catalog is read at most every {@link #MAX_AGE} while requests are served; before refusing, it
 * is read again for up to {@link #MISS_WAIT} (a worker that has just started announces itself within moments).
 * Thread-safe (one read at a time).
 */
final class ModelAvailability {

    /** How long one read of the catalog answers for. */
    static final Duration MAX_AGE = Duration.ofSeconds(2);
    /** How long a miss is read again before the request is refused. */
    static final Duration MISS_WAIT = Duration.ofSeconds(2);
    private static final long MISS_POLL_MS = 200;

    private final FleetReader reader;
    private final Clock clock;
    private final Duration timeout;
    private FleetCatalog catalog;
    private Instant readAt;

    ModelAvailability(FleetReader reader, Clock clock, Duration timeout) {
        this.reader = reader;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * @throws ModelNotServedException no live worker serves {@code model} on {@code topic}
     * @throws KafkaUnavailableException the catalog could not be read
     */
    synchronized void requireServed(String model, String topic) {
        if (catalog == null || readAt.plus(MAX_AGE).isBefore(clock.instant())) {
            refresh();
        }
        if (serves(model, topic)) {
            return;
        }
        long until = System.nanoTime() + MISS_WAIT.toNanos();
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(MISS_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            refresh();
            if (serves(model, topic)) {
                return;
            }
        }
        throw new ModelNotServedException(model, topic, FleetCatalog.modelNames(catalog.live(clock.instant())),
                reader.topic());
    }

    private boolean serves(String model, String topic) {
        List<WorkerAnnouncement> live = catalog.live(clock.instant());
        return live.stream().anyMatch(a -> topic.equals(a.requestsTopic()) && (model == null || model.equals(a.model())));
    }

    private void refresh() {
        catalog = reader.read(timeout);
        readAt = clock.instant();
    }
}
