package io.sdfleet.worker.device;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.pipeline.JobInput;
import io.sdfleet.worker.device.DeviceFaultPolicy.Attribution;
import io.sdfleet.worker.device.DeviceFaultPolicy.Outcome;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.pipeline.DecodedImage;
import io.sdfleet.worker.kafka.LiveSessions;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerState;
import io.sdfleet.worker.observe.JobProgress;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.Admission;
import io.sdfleet.worker.pipeline.PreparedJob;
import io.sdfleet.worker.pipeline.RuntimeCallFailure;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.pipeline.Trajectory;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.store.JobOutcome;
import io.sdfleet.worker.store.StoreStage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The device thread ({@code sdfleet-device}): step-level batching. It keeps a set of active images per latent
 * size and runs one UNet call per turn for the images of one size, each at its own step, whatever their job's
 * steps, scheduler, guidance, seed or arrival; jobs join between calls and leave as soon as their last step is
 * done. One turn, top to bottom:
 * <ol>
 *   <li>Leave: jobs whose partition was revoked or rewound since they were taken are dropped (they will be
 *       delivered again; spending device time on them would be wasted).
 *   <li>Expire: waiting jobs past their deadline complete EXPIRED without running.
 *   <li>Choose the latent size this turn serves: the size whose call would be fullest (its active, prepared and
 *       waiting items against the call's limit), so calls stay full when traffic mixes sizes; among sizes whose
 *       calls would all be full the one holding the oldest request (by its record's time) goes first, other ties
 *       go to the size served longest ago; a size not served for {@value #TURNS_PER_SIZE} turns per size with work
 *       is served next whatever its fill, unless the size chosen holds an older request. No size starves: the
 *       size of the oldest request on the worker is served at least every {@value #TURNS_PER_SIZE} turns per
 *       size, and every request becomes the oldest in time. Why age and not turns: at saturation, serving sizes
 *       by turns gives each the same number of calls whatever its traffic, so the sizes with dearer calls (larger
 *       latents) got more device time than their traffic asked while the 512x512 backlog grew without end
 *       (docs/bench-serving.md, the device-time ledger): the device served a dearer mix than it was offered,
 *       fewer images/s, and finished jobs far out of arrival order (completions held behind their partition).
 *   <li>Admit: images of jobs already prepared, then waiting jobs of that size in rank order
 *       ({@link WaitingJobs}: aged, priority, age), as long as the call has UNet items free
 *       ({@link StableDiffusionPipeline#maxItems}); newcomers are prepared (tokenized, text-encoded together,
 *       their initial latents drawn). Static batching ({@link Batching#STATIC}) admits only when the device is
 *       idle, and then a whole micro-batch of one size, steps and scheduler, as the worker always did.
 *   <li>Denoise: one UNet call advances every active image of the size by one step.
 *   <li>Decode: images whose last step is done are VAE-decoded, at most {@code SDFLEET_DECODE_IMAGES_PER_STEP}
 *       between two UNet calls (all of them when nothing else is denoising), so a finishing job does not stall
 *       the others; a job whose images are all decoded goes to the {@link StoreStage}.
 * </ol>
 * Exactness: an image's bytes do not depend on what else ran beside it or at which step it joined (see
 * {@link StableDiffusionPipeline}); the set only decides which images share a call.
 *
 * <p>Faults: every model call goes through the {@link DeviceFaultPolicy}, which attributes a failure to a job
 * (it completes FAILED, the others go on) or to the device (the work stays here and is tried again after a
 * pause; the policy stops the worker when faults persist). A RuntimeException that is not a runtime call's
 * failure is a bug: it ends this thread, and the worker's supervisor stops the worker.
 *
 * <p>Shutdown: while the worker drains, no new job is admitted and the jobs on the device are finished; when the
 * grace period is over the thread is interrupted and whatever is left is delivered again. Threads: this loop
 * alone touches the pipeline and its own state; it talks to the poll thread through {@link WaitingJobs},
 * {@link LiveSessions} and the {@link WorkInbox} (via the store stage).
 */
public final class DeviceLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceLoop.class);
    /** Longest wait for work before the stop condition is checked again. */
    static final Duration IDLE_WAIT = Duration.ofMillis(100);
    /** A size with work waits at most this many turns per size with work before it is served. */
    static final int TURNS_PER_SIZE = 2;

    private final WaitingJobs waiting;
    private final StableDiffusionPipeline pipeline;
    private final Consumer<JobOutcome> store;
    private final WorkInbox inbox;
    private final LiveSessions live;
    private final ShutdownController controller;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final DeviceSettings settings;
    private final DeviceFaultPolicy faults;
    private final String workerId;
    private final int staticBatchImages;
    private final JobProgress progress;

    /** Active images per latent size, in admission order. */
    private final Map<LatentSize, List<Trajectory>> active = new LinkedHashMap<>();
    /** Prepared jobs with images not yet admitted (the call had no room), in admission order. */
    private final List<DeviceJob> admitting = new ArrayList<>();
    /** Every job on the device, by its prepared state. */
    private final Map<PreparedJob, DeviceJob> jobs = new IdentityHashMap<>();
    /** Finished images waiting for the VAE, oldest first. */
    private final Deque<Trajectory> toDecode = new ArrayDeque<>();
    /** The turn each size with work was last served (or first had work). */
    private final Map<LatentSize, Long> lastServed = new java.util.HashMap<>();
    private long turnCount;
    /** {@code jobs.size()} as of the last turn, for the gauge (read from the metrics thread). */
    private volatile int onDevice;

    /** @param store where finished jobs go: the store stage's {@link StoreStage#submit} */
    public DeviceLoop(WaitingJobs waiting, StableDiffusionPipeline pipeline, Consumer<JobOutcome> store, WorkInbox inbox,
            LiveSessions live, ShutdownController controller, WorkerMetrics metrics, Clock clock,
            DeviceSettings settings, DeviceFaultPolicy faults, String workerId) {
        this(waiting, pipeline, store, inbox, live, controller, metrics, clock, settings, faults, workerId,
                JobProgress.NONE);
    }

    /** @param progress told of each job's start, steps, decoding and storing (best effort, returns at once) */
    public DeviceLoop(WaitingJobs waiting, StableDiffusionPipeline pipeline, Consumer<JobOutcome> store, WorkInbox inbox,
            LiveSessions live, ShutdownController controller, WorkerMetrics metrics, Clock clock,
            DeviceSettings settings, DeviceFaultPolicy faults, String workerId, JobProgress progress) {
        this.progress = progress;
        this.waiting = waiting;
        this.pipeline = pipeline;
        this.store = store;
        this.inbox = inbox;
        this.live = live;
        this.controller = controller;
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
        this.faults = faults;
        this.workerId = workerId;
        this.staticBatchImages = settings.effectiveBatchMaxImages(pipeline.maxBatchImages());
    }

    /** The fault policy's probe: the pipeline's known-good request, run as a static batch. */
    public static DeviceFaultPolicy.Probe probeOf(StableDiffusionPipeline pipeline) {
        JobInput input = pipeline.probe();
        JobRequest probe = input.request();
        String description = "a " + probe.width() + "x" + probe.height() + " " + probe.steps() + "-step "
                + probe.mode().wireName() + " probe";
        return new DeviceFaultPolicy.Probe() {
            @Override
            public void run() throws RuntimeCallFailure {
                ErrorInfo error = pipeline.generateFrom(List.of(input)).get(0).error();
                if (error != null) {
                    throw new RuntimeCallFailure(description, new IllegalStateException(error.message()),
                            RuntimeCallFailure.Kind.UNATTRIBUTED);
                }
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    @Override
    public void run() {
        MDC.put("workerId", workerId);
        try {
            while (runs()) {
                turn();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("device thread interrupted; the {} job(s) on the device are delivered again", jobs.size());
        }
    }

    /** Jobs on the device (admitted, denoising or decoding), as of the last turn; any thread. */
    public int jobsOnDevice() {
        return onDevice;
    }

    private boolean runs() {
        if (Thread.currentThread().isInterrupted() || controller.failed()) {
            return false;
        }
        WorkerState s = controller.state();
        return s == WorkerState.STARTING || s.takesWork() || (s == WorkerState.DRAINING && !jobs.isEmpty());
    }

    private boolean admitsNewJobs() {
        WorkerState s = controller.state();
        return s == WorkerState.STARTING || s.takesWork();
    }

    /** One turn, as the class comment numbers it (package-private for tests). */
    void turn() throws InterruptedException {
        // 1. Leave: jobs of partitions revoked or rewound since they were taken.
        dropStale();
        // 2. Expire: waiting jobs past their deadline.
        Instant now = clock.instant();
        for (PendingJob job : waiting.removeExpired()) {
            expire(job, now);
        }
        // 3. Choose the size this turn serves.
        Optional<LatentSize> size = nextSize();
        boolean stepped = false;
        if (size.isPresent()) {
            // 4. Admit images of that size while the call has room.
            admit(size.get());
            // 5. Denoise: one UNet call, one step for every active image of the size.
            stepped = denoise(size.get());
        }
        // 6. Decode finished images: a few between calls, all when nothing else is denoising.
        boolean decoded = decode(nothingElseRuns());
        onDevice = jobs.size();
        if (!stepped && !decoded) {
            idle();
        }
    }

    /** No image is denoising or waiting to be admitted, and no waiting job could start now. */
    private boolean nothingElseRuns() {
        boolean denoising = active.values().stream().anyMatch(set -> !set.isEmpty());
        return !denoising && admitting.isEmpty() && (waiting.isEmpty() || !admitsNewJobs()
                || settings.batching() == Batching.STATIC);
    }

    private void dropStale() {
        List<DeviceJob> stale = new ArrayList<>();
        for (DeviceJob job : jobs.values()) {
            if (!live.isLive(job.pending)) {
                stale.add(job);
            }
        }
        for (DeviceJob job : stale) {
            remove(job);
            inbox.abandoned();
            LOG.info("{} left the device: its partition was revoked or rewound (it is delivered again)", job);
        }
    }

    private Optional<LatentSize> nextSize() throws InterruptedException {
        Map<LatentSize, Integer> items = new LinkedHashMap<>();
        active.forEach((size, images) -> {
            if (!images.isEmpty()) {
                items.merge(size, items(images), Integer::sum);
            }
        });
        admitting.forEach(job -> items.merge(job.notAdmitted().get(0).latentSize(), items(job.notAdmitted()),
                Integer::sum));
        if (admitsNewJobs()) {
            if (settings.batching() == Batching.CONTINUOUS) {
                waiting.itemsBySize().forEach((size, n) -> items.merge(size, n, Integer::sum));
            } else if (jobs.isEmpty()) {
                startStaticBatch().ifPresent(size -> items.merge(size, 0, Integer::sum));
            }
        }
        // ages only when sizes compete: a pass over every active and waiting job, once per UNet call
        Map<LatentSize, Instant> oldest = items.size() > 1 ? oldestJobBySize() : Map.of();
        long turn = turnCount++;
        lastServed.keySet().retainAll(items.keySet());
        // A size new to the set counts as served just before this turn, so it wins a tie against a size served now.
        items.keySet().forEach(size -> lastServed.putIfAbsent(size, turn - 1));
        LatentSize best = null;
        double bestFill = -1;
        long bestWaited = -1;
        boolean bestStarving = false;
        Instant bestOldest = null;
        for (Map.Entry<LatentSize, Integer> e : items.entrySet()) {
            long waited = turn - lastServed.get(e.getKey());
            boolean starving = waited >= (long) TURNS_PER_SIZE * items.size();
            int limit = Math.max(1, pipeline.maxItems(e.getKey()));
            double fill = Math.min(1.0, (double) e.getValue() / limit);
            Instant since = oldest.get(e.getKey());
            boolean better = best == null
                    || (starving != bestStarving
                            ? (starving ? !olderThan(bestOldest, since) : olderThan(since, bestOldest))
                    : starving ? waited > bestWaited
                    : fill != bestFill ? fill > bestFill
                    : fill == 1.0 && since != null && bestOldest != null && !since.equals(bestOldest)
                            ? since.isBefore(bestOldest)
                    : waited > bestWaited);
            if (better) {
                best = e.getKey();
                bestFill = fill;
                bestWaited = waited;
                bestStarving = starving;
                bestOldest = since;
            }
        }
        if (best != null) {
            lastServed.put(best, turn);
        }
        return Optional.ofNullable(best);
    }

    /** Whether {@code a} is a strictly older request time than {@code b} (unknown times are not older). */
    private static boolean olderThan(Instant a, Instant b) {
        return a != null && b != null && a.isBefore(b);
    }

    /** The record time of the oldest job of each size on the device or waiting for it. */
    private Map<LatentSize, Instant> oldestJobBySize() {
        Map<LatentSize, Instant> oldest = new java.util.HashMap<>();
        java.util.function.BiConsumer<LatentSize, Instant> note = (size, at) -> oldest.merge(size, at,
                (a, b) -> a.isBefore(b) ? a : b);
        active.forEach((size, images) -> {
            for (Trajectory t : images) {
                DeviceJob job = jobs.get(t.job());
                if (job != null) {
                    note.accept(size, job.pending.recordTime());
                }
            }
        });
        admitting.forEach(job -> note.accept(job.notAdmitted().get(0).latentSize(), job.pending.recordTime()));
        if (admitsNewJobs() && settings.batching() == Batching.CONTINUOUS) {
            waiting.oldestRecordBySize().forEach(note);
        }
        return oldest;
    }

    /** Static batching, device idle: the next ready micro-batch, prepared; its size. */
    private Optional<LatentSize> startStaticBatch() throws InterruptedException {
        Optional<List<PendingJob>> batch = waiting.takeStaticBatch(staticBatchImages);
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        prepare(batch.get());
        return admitting.isEmpty() ? Optional.empty()
                : Optional.of(admitting.get(0).notAdmitted().get(0).latentSize());
    }

    private void admit(LatentSize size) throws InterruptedException {
        int maxItems = pipeline.maxItems(size);
        List<Trajectory> set = active.computeIfAbsent(size, s -> new ArrayList<>());
        int free = maxItems - items(set);
        free = admitPrepared(size, set, free);
        if (settings.batching() == Batching.CONTINUOUS && admitsNewJobs() && (free > 0 || set.isEmpty())
                && !waiting.isEmpty()) {
            // A size the UNet cannot run (maxItems 0) still takes its head job, which prepare then refuses.
            int ask = set.isEmpty() ? Math.max(free, 2) : free;
            List<PendingJob> newcomers = waiting.takeForCall(size, ask);
            if (!newcomers.isEmpty()) {
                prepare(newcomers);
                admitPrepared(size, set, free);
            }
        }
    }

    /** Adds images of prepared jobs of {@code size} to the set while they fit; returns the items left free. */
    private int admitPrepared(LatentSize size, List<Trajectory> set, int free) {
        for (Iterator<DeviceJob> it = admitting.iterator(); it.hasNext(); ) {
            DeviceJob job = it.next();
            List<Trajectory> rest = job.notAdmitted();
            if (!rest.get(0).latentSize().equals(size)) {
                continue;
            }
            int perImage = rest.get(0).items();
            int n = Math.min(rest.size(), Math.max(0, free) / perImage);
            if (n == 0 && set.isEmpty()) {
                n = 1; // an image larger than the call's limit still runs, alone
            }
            if (n == 0) {
                break; // keep admission order: a later job must not overtake this one
            }
            set.addAll(List.copyOf(rest.subList(0, n)));
            job.admitted(n);
            free -= n * perImage;
            if (job.fullyAdmitted()) {
                it.remove();
            }
        }
        return free;
    }

    /** Prepares newcomers (one text-encoder call); refused ones complete FAILED, prepared ones wait to be admitted. */
    private void expire(PendingJob job, Instant now) {
        inbox.started(1);
        store.accept(JobOutcome.expired(job, DeviceJob.queued(job, now), now));
        LOG.info("job {} EXPIRED (deadline {})", job.jobId(), job.request().deadline());
    }

    private void prepare(List<PendingJob> taken) throws InterruptedException {
        // The deadline is checked again at admission: the poll thread adds jobs at any time, also after this
        // turn's sweep, and a job not started by its deadline must never run.
        Instant admittedAt = clock.instant();
        List<PendingJob> newcomers = new ArrayList<>(taken.size());
        for (PendingJob job : taken) {
            if (Deadlines.isExpired(job, admittedAt)) {
                expire(job, admittedAt);
            } else {
                newcomers.add(job);
            }
        }
        if (newcomers.isEmpty()) {
            return;
        }
        Attribution<Admission> prepared = faults.run("text encoder for " + newcomers.size() + " job(s)", newcomers,
                PendingJob::jobId, parts -> guarded("text encoder", () -> pipeline.prepareInputs(
                        parts.stream().map(PendingJob::input).toList())));
        Instant now = clock.instant();
        for (int i = 0; i < newcomers.size(); i++) {
            PendingJob job = newcomers.get(i);
            Outcome<Admission> outcome = prepared.outcomes().get(i);
            if (outcome.retry()) {
                waiting.add(job);
                continue;
            }
            inbox.started(1);
            if (outcome.error() != null) {
                store.accept(JobOutcome.failed(job, outcome.error(), List.of(), DeviceJob.queued(job, now), 0));
            } else if (!outcome.value().prepared()) {
                store.accept(JobOutcome.failed(job, outcome.value().error(), List.of(),
                        DeviceJob.queued(job, now), 0));
            } else {
                DeviceJob deviceJob = new DeviceJob(job, outcome.value().job(), now);
                jobs.put(deviceJob.prepared, deviceJob);
                admitting.add(deviceJob);
                progress.started(job.jobId(), deviceJob.progressTotal(), newcomers.size(), i + 1);
            }
        }
        pauseIfFaulted(prepared);
    }

    private boolean denoise(LatentSize size) throws InterruptedException {
        List<Trajectory> set = active.getOrDefault(size, List.of());
        if (set.isEmpty()) {
            return false;
        }
        Map<DeviceJob, List<Trajectory>> byJob = byJob(set);
        List<DeviceJob> parts = new ArrayList<>(byJob.keySet());
        int items = items(set);
        long start = System.nanoTime();
        Attribution<Void> stepped = faults.run("UNet step of " + parts.size() + " job(s), " + items + " items, latent "
                + size, parts, DeviceJob::jobId, callParts -> guarded("UNet", () -> {
                    List<Trajectory> images = new ArrayList<>();
                    callParts.forEach(job -> images.addAll(byJob.get(job)));
                    pipeline.denoise(images);
                    return Collections.nCopies(callParts.size(), null);
                }));
        long end = System.nanoTime();
        metrics.unetCall(items, parts.size());
        for (int i = 0; i < parts.size(); i++) {
            DeviceJob job = parts.get(i);
            Outcome<Void> outcome = stepped.outcomes().get(i);
            if (outcome.done()) {
                job.stepped(start, end, parts.size());
                progress.stepped(job.jobId(), job.progressStep(), job.progressTotal());
            } else if (outcome.error() != null) {
                fail(job, outcome.error());
            }
        }
        for (Iterator<Trajectory> it = set.iterator(); it.hasNext(); ) {
            Trajectory image = it.next();
            if (image.finished()) {
                it.remove();
                toDecode.addLast(image);
                DeviceJob job = jobs.get(image.job());
                if (job != null && job.stepsDone() == job.totalSteps() && image.imageIndex() == job.lastImageIndex()) {
                    progress.decoding(job.jobId(), job.progressTotal());
                }
            }
        }
        pauseIfFaulted(stepped);
        return true;
    }

    private boolean decode(boolean nothingElseRuns) throws InterruptedException {
        if (toDecode.isEmpty()) {
            return false;
        }
        int n = nothingElseRuns ? toDecode.size() : Math.min(toDecode.size(), settings.decodeImagesPerStep());
        List<Trajectory> chunk = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chunk.add(toDecode.pollFirst());
        }
        Map<DeviceJob, List<Trajectory>> byJob = byJob(chunk);
        List<DeviceJob> parts = new ArrayList<>(byJob.keySet());
        long start = System.nanoTime();
        Attribution<List<DecodedImage>> decoded = faults.run("VAE decode of " + n + " image(s)", parts, DeviceJob::jobId,
                callParts -> guarded("VAE decoder", () -> {
                    List<Trajectory> images = new ArrayList<>();
                    callParts.forEach(job -> images.addAll(byJob.get(job)));
                    List<DecodedImage> rgb = pipeline.decode(images);
                    List<List<DecodedImage>> perPart = new ArrayList<>();
                    int at = 0;
                    for (DeviceJob job : callParts) {
                        int k = byJob.get(job).size();
                        perPart.add(rgb.subList(at, at + k));
                        at += k;
                    }
                    return perPart;
                }));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<Trajectory> again = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            DeviceJob job = parts.get(i);
            Outcome<List<DecodedImage>> outcome = decoded.outcomes().get(i);
            List<Trajectory> images = byJob.get(job);
            if (outcome.retry()) {
                again.addAll(images);
            } else if (outcome.error() != null) {
                fail(job, outcome.error());
            } else {
                for (int k = 0; k < images.size(); k++) {
                    job.decoded(images.get(k), outcome.value().get(k), took);
                }
                if (job.complete()) {
                    jobs.remove(job.prepared);
                    progress.storing(job.jobId(), job.progressTotal());
                    store.accept(job.outcome());
                }
            }
        }
        for (int i = again.size() - 1; i >= 0; i--) {
            toDecode.addFirst(again.get(i));
        }
        pauseIfFaulted(decoded);
        return true;
    }

    /** A job that failed for its own reasons leaves the device and completes FAILED. */
    private void fail(DeviceJob job, ErrorInfo error) {
        remove(job);
        store.accept(JobOutcome.failed(job.pending, error, job.prepared.warnings(),
                DeviceJob.queued(job.pending, job.admittedAt), job.maxJobsInCall()));
    }

    /** Takes every trace of {@code job} out of the device's state. */
    private void remove(DeviceJob job) {
        jobs.remove(job.prepared);
        admitting.remove(job);
        active.values().forEach(set -> set.removeIf(t -> t.job() == job.prepared));
        toDecode.removeIf(t -> t.job() == job.prepared);
    }

    private void idle() throws InterruptedException {
        if (!admitsNewJobs()) {
            Thread.sleep(IDLE_WAIT.toMillis());
        } else if (waiting.isEmpty()) {
            waiting.awaitWork(IDLE_WAIT);
        } else {
            // Jobs wait but none may be taken yet (a static batch still filling): wait for its due time or a change.
            Duration due = waiting.untilStaticBatchDue();
            waiting.awaitChange(due.compareTo(IDLE_WAIT) < 0 ? due : IDLE_WAIT);
        }
    }

    private void pauseIfFaulted(Attribution<?> attribution) throws InterruptedException {
        if (attribution.deviceFault()) {
            Thread.sleep(faults.pauseAfterFault().toMillis());
        }
    }

    private Map<DeviceJob, List<Trajectory>> byJob(List<Trajectory> images) {
        Map<DeviceJob, List<Trajectory>> byJob = new LinkedHashMap<>();
        for (Trajectory t : images) {
            byJob.computeIfAbsent(jobs.get(t.job()), j -> new ArrayList<>()).add(t);
        }
        return byJob;
    }

    private static int items(List<Trajectory> set) {
        int items = 0;
        for (Trajectory t : set) {
            items += t.items();
        }
        return items;
    }

    /** A model call whose Java side may run out of heap too: that is an OUT_OF_MEMORY failure of the call. */
    private static <T> T guarded(String what, ModelCall<T> call) throws RuntimeCallFailure {
        try {
            return call.run();
        } catch (OutOfMemoryError e) {
            throw new RuntimeCallFailure(what + " (Java side)", e, RuntimeCallFailure.Kind.OUT_OF_MEMORY);
        }
    }

    @FunctionalInterface
    private interface ModelCall<T> {
        T run() throws RuntimeCallFailure;
    }
}
