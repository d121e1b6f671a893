package io.sdfleet.worker.fleet;

import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the worker's entry in the fleet catalog (the compacted fleet topic, key = worker id) true: an announcement
 * at start, every heartbeat and at each state change, and a tombstone when the worker leaves cleanly. A killed
 * worker's last announcement stays until readers count it gone ({@link WorkerAnnouncement#isLive}: three
 * heartbeats).
 *
 * <p>Best effort, never in the way of jobs: the records go through the worker's plain (non-transactional) producer,
 * outside the commit, from the announcer's own thread; a failed send is logged (once until one succeeds again) and
 * the next heartbeat tries again. Kafka call policy: every failure of a send is retried by the next heartbeat; none
 * fails a job or stops the worker.
 *
 * <p>Threads: one daemon thread {@code sdfleet-fleet} sends; {@link #stateChanged()} may be called from any thread;
 * {@link #leave} from the controlling thread once the worker has stopped. The producer is the caller's.
 */
public final class FleetAnnouncer {

    private static final Logger LOG = LoggerFactory.getLogger(FleetAnnouncer.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final WorkerAnnouncement template;
    private final Supplier<String> state;
    private final Duration heartbeat;
    private final Clock clock;
    private final byte[] key;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile boolean left;

    /**
     * @param template the announcement; its state and time are replaced by {@code state} and the clock on each send
     */
    public FleetAnnouncer(Producer<byte[], byte[]> producer, String topic, WorkerAnnouncement template,
            Supplier<String> state, Duration heartbeat, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.template = Objects.requireNonNull(template, "template");
        this.state = Objects.requireNonNull(state, "state");
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.key = template.workerId().getBytes(StandardCharsets.UTF_8);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sdfleet-fleet");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /**
     * Starts announcing: the first announcement at once, then every heartbeat; returns at once (the start sequence
     * must not wait on a best-effort topic; the producer's model check reads the catalog again before it refuses).
     */
    public void start() {
        thread.scheduleAtFixedRate(this::beat, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The worker's state changed: announce it now, not at the next heartbeat. */
    public void stateChanged() {
        if (!left) {
            try {
                thread.execute(this::beat);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // leaving: the tombstone (or nothing, after a failure) is the last word
            }
        }
    }

    /**
     * Stops the heartbeat; after a clean stop writes the tombstone that removes the worker from the catalog at once
     * and waits for it up to {@code timeout}. After a failure it writes nothing: the worker is about to be restarted
     * under its id (and announces again), or it counts as gone after three heartbeats.
     */
    public void leave(boolean clean, Duration timeout) {
        left = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!clean) {
            return;
        }
        Future<?> tombstone = sendRecord(null);
        if (tombstone != null) {
            try {
                tombstone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("left the fleet catalog {}", topic);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("the tombstone on {} was not acknowledged ({}); the entry goes stale after {} heartbeats",
                        topic, e.getCause() == null ? e : e.getCause(), WorkerAnnouncement.STALE_AFTER_HEARTBEATS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The current announcement. */
    WorkerAnnouncement announcement() {
        return template.at(state.get(), clock.instant());
    }

    private void beat() {
        if (!left) {
            send(announcement());
        }
    }

    private Future<?> send(WorkerAnnouncement announcement) {
        return sendRecord(FleetCodec.encode(announcement));
    }

    private Future<?> sendRecord(byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("announcing on {} works again", topic);
                    }
                } else if (failing.compareAndSet(false, true)) {
                    LOG.warn("announcing on {} failed: {}; retried every heartbeat", topic, error.toString());
                }
            });
        } catch (RuntimeException e) {
            // send() itself: metadata not found within max.block.ms, the producer closed meanwhile, or any other
            // failure of a best-effort record: logged, never fatal.
            if (failing.compareAndSet(false, true)) {
                LOG.warn("announcing on {} failed: {}; retried every heartbeat", topic, e.toString());
            }
            return null;
        }
    }
}
