package io.sdfleet.worker.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;

/**
 * The pending set: valid jobs taken from Kafka and not yet on the device, grouped into micro-batches of
 * compatible jobs ({@link BatchKey}).
 *
 * <p>A batch is ready when its key holds at least {@code maxImages} images, or when its oldest job has
 * waited {@code maxWait}, whichever comes first. Among ready keys, the one holding the highest request
 * {@code priority} goes first, ties broken by the age of the key's oldest job. Priority must not starve
 * anybody: a key whose oldest job has waited {@link #priorityAging()} (the larger of
 * {@value #PRIORITY_AGING_SECONDS} s and four times {@code maxWait}) outranks every priority, oldest
 * first — so an incompatible or low-priority job waits at most that long plus the batches ahead of it.
 * Within a key, jobs leave by priority and then in arrival order; a batch takes jobs while their images
 * fit in {@code maxImages} (a single job larger than that runs alone).
 *
 * <p>Priority only orders the jobs this worker has taken (at most {@code SDFLEET_MAX_PENDING_JOBS});
 * Kafka itself delivers each partition in order, so a high-priority request behind a long backlog still
 * waits for the records before it to be read.
 *
 * <p>Jobs added with {@link #addAlone} (they faulted on the device before: {@link DeviceFaultPolicy}) run
 * as batches of one, before any other batch, in the order they were added.
 *
 * <p>Threads: the poll thread adds and removes (revoked partitions, shutdown), the device thread takes.
 * Every method holds one lock; {@link #take} waits on it. Ages come from the injected {@link Clock}, so
 * tests drive time with {@link #pollReady()} instead of sleeping.
 */
public final class Batcher {

    /** Lower bound of the age after which a key outranks every priority. */
    static final long PRIORITY_AGING_SECONDS = 10;

    private final int maxImages;
    private final Duration maxWait;
    private final Clock clock;
    private final Duration priorityAging;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Per key, jobs in arrival order; keys in the order they first appeared (re-sorted when taking). */
    private final Map<BatchKey, ArrayDeque<PendingJob>> byKey = new LinkedHashMap<>();
    /** Jobs that run as batches of one, first come first served, ahead of every key. */
    private final ArrayDeque<PendingJob> alone = new ArrayDeque<>();
    private int size;

    /**
     * @param maxImages most images in one batch, at least 1
     * @param maxWait   longest time the oldest job of a key waits for more compatible jobs
     * @param clock     the time source for job ages
     */
    public Batcher(int maxImages, Duration maxWait, Clock clock) {
        if (maxImages < 1) {
            throw new IllegalArgumentException("maxImages must be at least 1, got " + maxImages);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        this.maxImages = maxImages;
        this.maxWait = maxWait;
        this.clock = clock;
        Duration fourWaits = maxWait.multipliedBy(4);
        Duration floor = Duration.ofSeconds(PRIORITY_AGING_SECONDS);
        this.priorityAging = fourWaits.compareTo(floor) > 0 ? fourWaits : floor;
    }

    /** How long a key's oldest job waits before it outranks every priority. */
    public Duration priorityAging() {
        return priorityAging;
    }

    /** Adds a job at the end of its key's queue and wakes the device thread if a batch became ready. */
    public void add(PendingJob job) {
        lock.lock();
        try {
            byKey.computeIfAbsent(job.key(), k -> new ArrayDeque<>()).addLast(job);
            size++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Adds a job that must run as a batch of one, ready at once ({@link DeviceFaultPolicy}). */
    public void addAlone(PendingJob job) {
        lock.lock();
        try {
            alone.addLast(job);
            size++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next ready batch, if there is one now; never blocks. */
    public Optional<List<PendingJob>> pollReady() {
        lock.lock();
        try {
            return Optional.ofNullable(readyBatch(clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for a ready batch and removes it.
     *
     * @return the batch, or an empty list when none became ready in time
     * @throws InterruptedException when the device thread is interrupted (shutdown past the grace period)
     */
    public List<PendingJob> take(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Instant now = clock.instant();
                List<PendingJob> batch = readyBatch(now);
                if (batch != null) {
                    return batch;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                long untilDue = nanosUntilOldestIsDue(now);
                changed.awaitNanos(Math.max(1, Math.min(left, untilDue)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every job of these partitions (revoked, or rewound after a failed commit). */
    public List<PendingJob> removePartitions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        List<PendingJob> removed = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<ArrayDeque<PendingJob>> queues = byKey.values().iterator(); queues.hasNext(); ) {
                ArrayDeque<PendingJob> queue = queues.next();
                queue.removeIf(job -> {
                    if (gone.contains(job.partition())) {
                        removed.add(job);
                        return true;
                    }
                    return false;
                });
                if (queue.isEmpty()) {
                    queues.remove();
                }
            }
            alone.removeIf(job -> {
                if (gone.contains(job.partition())) {
                    removed.add(job);
                    return true;
                }
                return false;
            });
            size -= removed.size();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every pending job (shutdown: jobs not started are left for redelivery). */
    public List<PendingJob> removeAll() {
        lock.lock();
        try {
            List<PendingJob> all = new ArrayList<>(size);
            all.addAll(alone);
            alone.clear();
            byKey.values().forEach(all::addAll);
            byKey.clear();
            size = 0;
            changed.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting for the device. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private List<PendingJob> readyBatch(Instant now) {
        if (!alone.isEmpty()) {
            size--;
            return List.of(alone.pollFirst());
        }
        List<Map.Entry<BatchKey, ArrayDeque<PendingJob>>> ranked = new ArrayList<>(byKey.entrySet());
        ranked.sort(rankAt(now));
        for (Map.Entry<BatchKey, ArrayDeque<PendingJob>> entry : ranked) {
            ArrayDeque<PendingJob> queue = entry.getValue();
            if (isFull(queue) || waitedEnough(queue.peekFirst(), now)) {
                List<PendingJob> byPriority = new ArrayList<>(queue);
                byPriority.sort(Comparator.comparingInt(Batcher::priority).reversed()); // stable: arrival order kept
                List<PendingJob> batch = new ArrayList<>();
                int images = 0;
                for (PendingJob job : byPriority) {
                    if (!batch.isEmpty() && images + job.images() > maxImages) {
                        break;
                    }
                    batch.add(job);
                    images += job.images();
                }
                queue.removeAll(batch);
                if (queue.isEmpty()) {
                    byKey.remove(entry.getKey());
                }
                size -= batch.size();
                return batch;
            }
        }
        return null;
    }

    /** Aged keys first (oldest first), then the highest priority, then the oldest. */
    private Comparator<Map.Entry<BatchKey, ArrayDeque<PendingJob>>> rankAt(Instant now) {
        return (a, b) -> {
            boolean agedA = isAged(a, now);
            boolean agedB = isAged(b, now);
            if (agedA != agedB) {
                return agedA ? -1 : 1;
            }
            if (!agedA) {
                int byPriority = Integer.compare(highestPriority(b), highestPriority(a));
                if (byPriority != 0) {
                    return byPriority;
                }
            }
            return a.getValue().peekFirst().takenAt().compareTo(b.getValue().peekFirst().takenAt());
        };
    }

    private static int highestPriority(Map.Entry<BatchKey, ArrayDeque<PendingJob>> entry) {
        return entry.getValue().stream().mapToInt(Batcher::priority).max().orElse(0);
    }

    private boolean isAged(Map.Entry<BatchKey, ArrayDeque<PendingJob>> entry, Instant now) {
        return !entry.getValue().peekFirst().takenAt().plus(priorityAging).isAfter(now);
    }

    private static int priority(PendingJob job) {
        return job.request().priority();
    }

    private boolean isFull(ArrayDeque<PendingJob> queue) {
        int images = 0;
        for (PendingJob job : queue) {
            images += job.images();
            if (images >= maxImages) {
                return true;
            }
        }
        return false;
    }

    private boolean waitedEnough(PendingJob oldest, Instant now) {
        return !oldest.takenAt().plus(maxWait).isAfter(now);
    }

    private long nanosUntilOldestIsDue(Instant now) {
        if (!alone.isEmpty()) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (ArrayDeque<PendingJob> queue : byKey.values()) {
            Duration left = Duration.between(now, queue.peekFirst().takenAt().plus(maxWait));
            best = Math.min(best, Math.max(0, left.toNanos()));
        }
        return best == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : best;
    }
}
