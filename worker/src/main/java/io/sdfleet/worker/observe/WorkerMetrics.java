package io.sdfleet.worker.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.FailureReason;
import io.sdfleet.common.Stage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The worker's metrics, by their Prometheus names (the Micrometer names are the same with '.' for '_'):
 *
 * <table>
 *   <caption>metrics</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code sdfleet_jobs_total}</td><td>counter</td><td>status</td><td>finished jobs, by
 *       {@link CompletionStatus} name (SUCCEEDED, FAILED, EXPIRED)</td></tr>
 *   <tr><td>{@code sdfleet_dlq_records_total}</td><td>counter</td><td>reason</td><td>records sent to the DLQ, by
 *       {@link FailureReason#code()} (the same code as the DLQ header)</td></tr>
 *   <tr><td>{@code sdfleet_images_total}</td><td>counter</td><td></td><td>images produced and stored; images/s is
 *       {@code rate(sdfleet_images_total[1m])}</td></tr>
 *   <tr><td>{@code sdfleet_store_retries_total}</td><td>counter</td><td></td><td>object-store calls retried</td></tr>
 *   <tr><td>{@code sdfleet_unet_items}</td><td>histogram</td><td></td><td>UNet items per call (a guided image is
 *       two), buckets 1, 2, 4, 8, 16, 32</td></tr>
 *   <tr><td>{@code sdfleet_batch_jobs}</td><td>histogram</td><td></td><td>jobs sharing one UNet call, same
 *       buckets</td></tr>
 *   <tr><td>{@code sdfleet_device_busy_seconds_total}</td><td>counter</td><td></td><td>time spent inside model
 *       calls; {@code rate(...[1m])} is the device's duty cycle (0..1)</td></tr>
 *   <tr><td>{@code sdfleet_jobs_on_device}</td><td>gauge</td><td></td><td>jobs admitted and not yet decoded</td></tr>
 *   <tr><td>{@code sdfleet_stage_seconds}</td><td>histogram</td><td>stage</td><td>time per job and stage
 *       ({@link Stage} keys), with percentile buckets from 1 ms to 10 min</td></tr>
 *   <tr><td>{@code sdfleet_jobs_in_flight}</td><td>gauge</td><td></td><td>jobs taken but not yet committed</td></tr>
 *   <tr><td>{@code sdfleet_consumer_lag}</td><td>gauge</td><td></td><td>records behind, summed over the assigned
 *       partitions</td></tr>
 *   <tr><td>{@code sdfleet_worker_state}</td><td>gauge</td><td>state</td><td>1 for the current lifecycle state, 0 for
 *       the others (state names lower-case)</td></tr>
 * </table>
 *
 * <p>Counters for every status and reason, and timers for every {@link TimingKeys} stage, are registered up
 * front so that they read 0 rather than being absent (a {@code rate()} over a series that appears late misses
 * its first increments). Jobs and DLQ records are counted when their commit succeeds, so a job done again after
 * a rewind counts once. Gauges read through a supplier set by the owner of the value; setting a supplier
 * again replaces it. Thread-safe: any thread may record.
 */
public final class WorkerMetrics {

    static final String JOBS = "sdfleet.jobs";
    static final String DLQ_RECORDS = "sdfleet.dlq.records";
    static final String IMAGES = "sdfleet.images";
    /** Meter name of the store retry counter (exported as sdfleet_store_retries_total). */
    public static final String STORE_RETRIES = "sdfleet.store.retries";
    static final String UNET_ITEMS = "sdfleet.unet.items";
    static final String BATCH_JOBS = "sdfleet.batch.jobs";
    static final String DEVICE_BUSY = "sdfleet.device.busy";
    static final String JOBS_ON_DEVICE = "sdfleet.jobs.on.device";
    static final String STAGE = "sdfleet.stage";
    static final String IN_FLIGHT = "sdfleet.jobs.in.flight";
    static final String CONSUMER_LAG = "sdfleet.consumer.lag";
    static final String WORKER_STATE = "sdfleet.worker.state";

    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32};

    private final MeterRegistry registry;
    private final Map<CompletionStatus, Counter> jobs = new EnumMap<>(CompletionStatus.class);
    private final Map<FailureReason, Counter> dlq = new EnumMap<>(FailureReason.class);
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final Counter images;
    private final Counter storeRetries;
    private final DistributionSummary unetItems;
    private final DistributionSummary batchJobs;
    private final AtomicReference<LongSupplier> deviceBusyNanos = new AtomicReference<>();
    private final AtomicReference<IntSupplier> jobsOnDevice = new AtomicReference<>();
    private final AtomicReference<IntSupplier> inFlight = new AtomicReference<>();
    private final AtomicReference<LongSupplier> consumerLag = new AtomicReference<>();
    private final AtomicReference<StateSource<?>> state = new AtomicReference<>();

    private record StateSource<E extends Enum<E>>(Class<E> type, Supplier<E> current) {
    }

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (CompletionStatus status : CompletionStatus.values()) {
            jobs.put(status, Counter.builder(JOBS).description("Finished jobs by completion status")
                    .tag("status", status.name()).register(registry));
        }
        for (FailureReason reason : FailureReason.values()) {
            dlq.put(reason, Counter.builder(DLQ_RECORDS).description("Records sent to the dead-letter topic by reason")
                    .tag("reason", reason.code()).register(registry));
        }
        images = Counter.builder(IMAGES).description("Images produced and stored").register(registry);
        storeRetries = Counter.builder(STORE_RETRIES)
                .description("Object-store calls retried after a transient failure")
                .register(registry);
        unetItems = DistributionSummary.builder(UNET_ITEMS).description("UNet items per call")
                .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        batchJobs = DistributionSummary.builder(BATCH_JOBS).description("Jobs sharing one UNet call")
                .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        for (Stage stage : Stage.values()) {
            stages.put(stage, Timer.builder(STAGE).description("Time per job and stage").tag("stage", stage.key())
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
        }
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** A job got its completion event (counted once per job, when its offset becomes committable). */
    public void jobFinished(CompletionStatus status) {
        jobs.get(Objects.requireNonNull(status, "status")).increment();
    }

    /** A record was sent to the DLQ. */
    public void dlqRecord(FailureReason reason) {
        dlq.get(Objects.requireNonNull(reason, "reason")).increment();
    }

    /** A UNet call ran with {@code items} items for {@code jobs} jobs. */
    public void unetCall(int items, int jobs) {
        if (jobs < 1 || items < jobs) {
            throw new IllegalArgumentException("a UNet call has >= 1 job and >= 1 item per job: jobs=" + jobs
                    + ", items=" + items);
        }
        batchJobs.record(jobs);
        unetItems.record(items);
    }

    /** Time one job spent in one stage. */
    public void stage(Stage stage, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        stages.get(Objects.requireNonNull(stage, "stage")).record(duration);
    }

    /** Where the device's busy time (nanoseconds inside model calls) is read. */
    public void deviceBusy(LongSupplier nanos) {
        Objects.requireNonNull(nanos, "nanos");
        if (deviceBusyNanos.getAndSet(nanos) == null) {
            io.micrometer.core.instrument.FunctionCounter.builder(DEVICE_BUSY, deviceBusyNanos,
                    ref -> ref.get().getAsLong() / 1e9).baseUnit("seconds")
                    .description("Time spent inside model calls").register(registry);
        }
    }

    /** Where the number of jobs on the device is read. */
    public void jobsOnDevice(IntSupplier supplier) {
        Objects.requireNonNull(supplier, "supplier");
        if (jobsOnDevice.getAndSet(supplier) == null) {
            Gauge.builder(JOBS_ON_DEVICE, jobsOnDevice, ref -> ref.get().getAsInt())
                    .description("Jobs admitted to the device and not yet decoded").strongReference(true)
                    .register(registry);
        }
    }

    /** {@code n} images were produced and stored. */
    public void imagesProduced(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative image count: " + n);
        }
        images.increment(n);
    }

    /** An object-store call failed transiently and will be retried. */
    public void storeRetry() {
        storeRetries.increment();
    }

    /** Where the in-flight job count is read (replaces an earlier supplier). */
    public void inFlight(IntSupplier supplier) {
        Objects.requireNonNull(supplier, "supplier");
        if (inFlight.getAndSet(supplier) == null) {
            Gauge.builder(IN_FLIGHT, inFlight, ref -> ref.get().getAsInt())
                    .description("Jobs taken from Kafka and not yet committed").strongReference(true)
                    .register(registry);
        }
    }

    /** Where the consumer lag (records behind, summed over the assigned partitions) is read. */
    public void consumerLag(LongSupplier supplier) {
        Objects.requireNonNull(supplier, "supplier");
        if (consumerLag.getAndSet(supplier) == null) {
            Gauge.builder(CONSUMER_LAG, consumerLag, ref -> ref.get().getAsLong())
                    .description("Records behind the end of the assigned partitions").strongReference(true)
                    .register(registry);
        }
    }

    /**
     * Exports the lifecycle state: one gauge per constant of {@code states}, 1 for {@code current.get()} and 0 for
     * the others. Calling again with the same enum replaces the supplier.
     *
     * @throws IllegalStateException when called again with another enum type
     */
    public <E extends Enum<E>> void state(Class<E> states, Supplier<E> current) {
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(current, "current");
        StateSource<E> source = new StateSource<>(states, current);
        StateSource<?> previous = state.getAndUpdate(p -> p == null || p.type() == states ? source : p);
        if (previous != null && previous.type() != states) {
            throw new IllegalStateException("worker state is already exported as " + previous.type().getName());
        }
        if (previous == null) {
            for (E constant : states.getEnumConstants()) {
                Gauge.builder(WORKER_STATE, state, ref -> ref.get().current().get() == constant ? 1 : 0)
                        .description("1 for the worker's current lifecycle state, 0 for the others")
                        .tag("state", constant.name().toLowerCase(Locale.ROOT)).strongReference(true)
                        .register(registry);
            }
        }
    }
}
