package io.sdfleet.producer;

import io.sdfleet.common.fleet.FleetCatalog;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import io.sdfleet.producer.kafka.FleetReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's check, before sending, that some live worker serves the model a request names: a live worker in
 * the fleet catalog ({@link FleetReader}) reads the request's topic and serves that model (any model for a request
 * naming none). The catalog is read at most every {@link #MAX_AGE} while requests are served; before refusing, it
 * is read again for up to {@link #MISS_WAIT} (a worker that has just started announces itself within moments), and
 * a refusal is remembered for {@link #MAX_AGE}, so a batch of requests for a missing model waits once, not once per
 * request.
 *
 * <p>A cluster without the catalog topic (set up before it, or in the middle of a rolling upgrade from workers that
 * do not announce) is not checked: refusing every request there would break deployments that worked. One warning
 * says so. An existing catalog without a live worker for the model does refuse.
 *
 * <p>Thread-safe; no lock is held while waiting for a miss.
 */
final class ModelAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(ModelAvailability.class);

    /** How long one read of the catalog answers for, and how long a refusal is repeated without waiting. */
    static final Duration MAX_AGE = Duration.ofSeconds(2);
    /** How long a miss is read again before the request is refused. */
    static final Duration MISS_WAIT = Duration.ofSeconds(2);
    private static final long MISS_POLL_MS = 200;

    private final FleetReader reader;
    private final Clock clock;
    private final Duration timeout;
    private FleetCatalog catalog;
    private Instant readAt;
    private boolean warnedMissing;
    private final Map<String, Instant> refusedAt = new HashMap<>();

    ModelAvailability(FleetReader reader, Clock clock, Duration timeout) {
        this.reader = reader;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * @throws ModelNotServedException no live worker serves {@code model} on {@code topic}
     * @throws KafkaUnavailableException the catalog could not be read
     */
    void requireServed(String model, String topic) {
        String key = model + "\u0000" + topic;
        if (servedNow(model, topic, false)) {
            return;
        }
        if (!refusedRecently(key)) {
            long until = System.nanoTime() + MISS_WAIT.toNanos();
            while (System.nanoTime() < until) {
                try {
                    Thread.sleep(MISS_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (servedNow(model, topic, true)) {
                    return;
                }
            }
        }
        synchronized (this) {
            refusedAt.put(key, clock.instant());
            throw new ModelNotServedException(model, topic, FleetCatalog.modelNames(catalog.live(clock.instant())),
                    reader.topic());
        }
    }

    private synchronized boolean refusedRecently(String key) {
        Instant at = refusedAt.get(key);
        return at != null && !at.plus(MAX_AGE).isBefore(clock.instant());
    }

    /** Whether the catalog (read again if older than {@link #MAX_AGE}, or if {@code fresh}) has such a worker. */
    private synchronized boolean servedNow(String model, String topic, boolean fresh) {
        if (fresh || catalog == null || readAt.plus(MAX_AGE).isBefore(clock.instant())) {
            catalog = reader.read(timeout);
            readAt = clock.instant();
        }
        if (catalog.topicMissing()) {
            if (!warnedMissing) {
                warnedMissing = true;
                LOG.warn("the fleet catalog topic {} does not exist: requests are sent without checking that a worker"
                        + " serves their model (create the topic, as the deploy set-ups do, to have them checked)",
                        reader.topic());
            }
            return true;
        }
        List<WorkerAnnouncement> live = catalog.live(clock.instant());
        return live.stream().anyMatch(a -> topic.equals(a.requestsTopic()) && (model == null || model.equals(a.model())));
    }
}
