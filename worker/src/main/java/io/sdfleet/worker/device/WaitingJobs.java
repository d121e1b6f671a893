package io.sdfleet.worker.device;

import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.pipeline.ImageItems;
import io.sdfleet.worker.runtime.LatentSize;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;

/**
 * Valid jobs taken from Kafka and not yet on the device, and the one place that decides which of them the device
 * takes next.
 *
 * <p>Order: among the jobs that may be taken, those waiting longer than {@link #priorityAging()} (the larger of
 * {@value #PRIORITY_AGING_SECONDS} s and four times the static batch wait) come first, oldest first; then higher
 * request {@code priority}; then the oldest. So priority reorders jobs, but never starves one: a job waits at most
 * the aging time plus the work ahead of it. Priority only orders the jobs this worker holds (at most
 * {@code SDFLEET_MAX_PENDING_JOBS}); Kafka delivers each partition in order.
 *
 * <p>Two ways to take:
 * <ul>
 *   <li>continuous ({@link #takeForCall}): jobs of one latent size, in that order, as long as the call's free
 *       UNet items hold at least one image of the next job; the order is never skipped, so a large job at the head
 *       cannot be overtaken for ever by small ones (the device admits a job's images as they fit);
 *   <li>static ({@link #takeStaticBatch}): a micro-batch of jobs sharing one {@link BatchKey} (size, steps,
 *       scheduler), ready when its images reach the batch limit or its oldest job has waited the batch wait;
 *       among ready keys the one holding the job that ranks first goes first.
 * </ul>
 *
 * <p>Threads: the poll thread adds and removes (revoked partitions, shutdown), the device thread takes. Every
 * method holds one lock; {@link #awaitWork} waits on it. Ages come from the injected {@link Clock}, so tests drive
 * time instead of sleeping.
 */
public final class WaitingJobs {

    /** Lower bound of the wait after which a job outranks every priority. */
    static final long PRIORITY_AGING_SECONDS = 10;

    private final Duration batchWait;
    private final Clock clock;
    private final Duration priorityAging;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Jobs by latent size, each in arrival order. */
    private final Map<LatentSize, List<PendingJob>> bySize = new LinkedHashMap<>();
    /** Arrival order of every waiting job: the last tie-break of the rank (jobs taken at the same instant). */
    private final Map<PendingJob, Long> arrival = new java.util.IdentityHashMap<>();
    private long arrivals;
    private int size;

    /**
     * @param batchWait static batching's longest wait for compatible jobs (also the aging time's scale)
     * @param clock     the time source for job ages
     */
    public WaitingJobs(Duration batchWait, Clock clock) {
        if (batchWait.isNegative()) {
            throw new IllegalArgumentException("batchWait must not be negative, got " + batchWait);
        }
        this.batchWait = batchWait;
        this.clock = clock;
        Duration fourWaits = batchWait.multipliedBy(4);
        Duration floor = Duration.ofSeconds(PRIORITY_AGING_SECONDS);
        this.priorityAging = fourWaits.compareTo(floor) > 0 ? fourWaits : floor;
    }

    /** How long a job waits before it outranks every priority. */
    public Duration priorityAging() {
        return priorityAging;
    }

    /** Adds a job at the end of its size's queue and wakes the device thread. */
    public void add(PendingJob job) {
        lock.lock();
        try {
            bySize.computeIfAbsent(sizeOf(job), s -> new ArrayList<>()).add(job);
            arrival.put(job, arrivals++);
            size++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Continuous batching: jobs of {@code latentSize} for a UNet call with {@code freeItems} items free, in rank
     * order, stopping at the first job none of whose images fits (so rank order is kept). Removes them.
     */
    public List<PendingJob> takeForCall(LatentSize latentSize, int freeItems) {
        lock.lock();
        try {
            List<PendingJob> queue = bySize.get(latentSize);
            if (queue == null || freeItems < 1) {
                return List.of();
            }
            List<PendingJob> ranked = new ArrayList<>(queue);
            ranked.sort(rankAt(clock.instant()));
            List<PendingJob> taken = new ArrayList<>();
            int free = freeItems;
            for (PendingJob job : ranked) {
                int perImage = ImageItems.itemsPerImage(job.request().guidanceScale());
                if (free < perImage) {
                    break;
                }
                taken.add(job);
                free -= Math.min(free / perImage, job.images()) * perImage;
            }
            remove(latentSize, taken);
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Static batching: the next ready micro-batch (jobs of one {@link BatchKey}, at most {@code maxImages} images,
     * by rank; a single job larger than that is a batch alone), if one is ready now. Removes it.
     */
    public Optional<List<PendingJob>> takeStaticBatch(int maxImages) {
        lock.lock();
        try {
            Instant now = clock.instant();
            Map<BatchKey, List<PendingJob>> byKey = new LinkedHashMap<>();
            bySize.values().forEach(queue -> queue.forEach(
                    job -> byKey.computeIfAbsent(BatchKey.of(job.request()), k -> new ArrayList<>()).add(job)));
            Comparator<PendingJob> rank = rankAt(now);
            List<PendingJob> best = null;
            PendingJob bestHead = null;
            for (List<PendingJob> jobs : byKey.values()) {
                jobs.sort(rank);
                boolean ready = images(jobs) >= maxImages || waited(oldest(jobs), now, batchWait);
                if (ready && (bestHead == null || rank.compare(jobs.get(0), bestHead) < 0)) {
                    best = jobs;
                    bestHead = jobs.get(0);
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            List<PendingJob> batch = new ArrayList<>();
            int images = 0;
            for (PendingJob job : best) {
                if (!batch.isEmpty() && images + job.images() > maxImages) {
                    break;
                }
                batch.add(job);
                images += job.images();
            }
            remove(sizeOf(batch.get(0)), batch);
            return Optional.of(batch);
        } finally {
            lock.unlock();
        }
    }

    /** UNet items the waiting jobs of each size would take (images x items per image). */
    public Map<LatentSize, Integer> itemsBySize() {
        lock.lock();
        try {
            Map<LatentSize, Integer> items = new LinkedHashMap<>();
            bySize.forEach((size, jobs) -> items.put(size, jobs.stream()
                    .mapToInt(j -> j.images() * ImageItems.itemsPerImage(j.request().guidanceScale())).sum()));
            return items;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The earliest record time (when the request was produced) of the waiting jobs of each size: how long the
     * oldest request of the size has been waiting, Kafka included (a worker at its pending limit takes records
     * late, so the time it took them understates the wait).
     */
    public Map<LatentSize, Instant> oldestRecordBySize() {
        lock.lock();
        try {
            Map<LatentSize, Instant> oldest = new LinkedHashMap<>();
            bySize.forEach((size, jobs) -> {
                for (PendingJob job : jobs) {
                    oldest.merge(size, job.recordTime(), (a, b) -> a.isBefore(b) ? a : b);
                }
            });
            return oldest;
        } finally {
            lock.unlock();
        }
    }

    /** Latent sizes that have waiting jobs, the size of the longest-waiting job first. */
    public List<LatentSize> sizes() {
        lock.lock();
        try {
            List<LatentSize> sizes = new ArrayList<>(bySize.keySet());
            sizes.sort(Comparator.comparing(s -> oldest(bySize.get(s)).takenAt()));
            return sizes;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the jobs whose deadline has passed ({@link Deadlines}). */
    public List<PendingJob> removeExpired() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<PendingJob> expired = new ArrayList<>();
            removeIf(job -> Deadlines.isExpired(job, now), expired);
            return expired;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every job of these partitions (revoked, or rewound after a failed commit). */
    public List<PendingJob> removePartitions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        lock.lock();
        try {
            List<PendingJob> removed = new ArrayList<>();
            removeIf(job -> gone.contains(job.partition()), removed);
            changed.signalAll();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every waiting job (shutdown: jobs not started are left for redelivery). */
    public List<PendingJob> removeAll() {
        lock.lock();
        try {
            List<PendingJob> all = new ArrayList<>(size);
            removeIf(job -> true, all);
            changed.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** No job is waiting. */
    public boolean isEmpty() {
        return size() == 0;
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

    /**
     * Waits up to {@code timeout} until a job is waiting (or a static batch may become ready).
     *
     * @return true when jobs are waiting
     * @throws InterruptedException when the device thread is interrupted (shutdown past the grace period)
     */
    public boolean awaitWork(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long left = timeout.toNanos();
            while (size == 0 && left > 0) {
                left = changed.awaitNanos(left);
            }
            return size > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for a change (a job added or removed), for a device that has jobs waiting but
     * none it may take yet (a static batch still filling).
     */
    public void awaitChange(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            changed.awaitNanos(Math.max(1, timeout.toNanos()));
        } finally {
            lock.unlock();
        }
    }

    /** How long until the oldest waiting job's static batch wait is over (0 when it is), for the device's wait. */
    public Duration untilStaticBatchDue() {
        lock.lock();
        try {
            Instant now = clock.instant();
            long best = Long.MAX_VALUE;
            for (List<PendingJob> queue : bySize.values()) {
                Duration left = Duration.between(now, oldest(queue).takenAt().plus(batchWait));
                best = Math.min(best, Math.max(0, left.toNanos()));
            }
            return best == Long.MAX_VALUE ? Duration.ofSeconds(1) : Duration.ofNanos(best);
        } finally {
            lock.unlock();
        }
    }

    private void remove(LatentSize latentSize, List<PendingJob> jobs) {
        List<PendingJob> queue = bySize.get(latentSize);
        queue.removeAll(jobs);
        if (queue.isEmpty()) {
            bySize.remove(latentSize);
        }
        jobs.forEach(arrival::remove);
        size -= jobs.size();
    }

    private void removeIf(java.util.function.Predicate<PendingJob> condition, List<PendingJob> into) {
        for (Iterator<List<PendingJob>> queues = bySize.values().iterator(); queues.hasNext(); ) {
            List<PendingJob> queue = queues.next();
            for (Iterator<PendingJob> jobs = queue.iterator(); jobs.hasNext(); ) {
                PendingJob job = jobs.next();
                if (condition.test(job)) {
                    into.add(job);
                    jobs.remove();
                    arrival.remove(job);
                    size--;
                }
            }
            if (queue.isEmpty()) {
                queues.remove();
            }
        }
    }

    /** Aged jobs first (oldest first), then the highest priority, then the oldest, then the first to arrive. */
    private Comparator<PendingJob> rankAt(Instant now) {
        return (a, b) -> {
            boolean agedA = waited(a, now, priorityAging);
            boolean agedB = waited(b, now, priorityAging);
            if (agedA != agedB) {
                return agedA ? -1 : 1;
            }
            if (!agedA) {
                int byPriority = Integer.compare(b.request().priority(), a.request().priority());
                if (byPriority != 0) {
                    return byPriority;
                }
            }
            int byAge = a.takenAt().compareTo(b.takenAt());
            return byAge != 0 ? byAge : Long.compare(arrival.get(a), arrival.get(b));
        };
    }

    private static boolean waited(PendingJob job, Instant now, Duration wait) {
        return !job.takenAt().plus(wait).isAfter(now);
    }

    private static PendingJob oldest(List<PendingJob> jobs) {
        PendingJob oldest = jobs.get(0);
        for (PendingJob job : jobs) {
            if (job.takenAt().isBefore(oldest.takenAt())) {
                oldest = job;
            }
        }
        return oldest;
    }

    private static int images(List<PendingJob> jobs) {
        return jobs.stream().mapToInt(PendingJob::images).sum();
    }

    private static LatentSize sizeOf(PendingJob job) {
        return LatentSize.ofImage(job.request().width(), job.request().height());
    }
}
