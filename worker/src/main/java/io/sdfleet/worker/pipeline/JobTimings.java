package io.sdfleet.worker.pipeline;

import io.sdfleet.common.Stage;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one job's time went, per {@link Stage}: the one typed form of a job's timings inside the worker. The
 * device stage fills in queue, tokenize, encode, denoise and decode, the store stage png, upload and total;
 * the completion carries {@link #toWireMillis()}. A stage that did not run is absent.
 *
 * <p>Immutable: {@link #with} and {@link #plus} return new values, so a job's timings can travel from the device
 * thread to a store thread without sharing mutable state.
 */
public final class JobTimings {
    /** No stage measured yet. */
    public static final JobTimings NONE = new JobTimings(new EnumMap<>(Stage.class));

    private final EnumMap<Stage, Duration> stages;

    private JobTimings(EnumMap<Stage, Duration> stages) {
        this.stages = stages;
    }

    /** These timings with {@code stage} set to {@code time} (replacing what it had). */
    public JobTimings with(Stage stage, Duration time) {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(time, "time");
        EnumMap<Stage, Duration> copy = new EnumMap<>(Stage.class);
        copy.putAll(stages);
        copy.put(stage, time.isNegative() ? Duration.ZERO : time);
        return new JobTimings(copy);
    }

    /** These timings with {@code time} added to {@code stage} (a job's images decoded in several calls). */
    public JobTimings plus(Stage stage, Duration time) {
        return with(stage, get(stage).orElse(Duration.ZERO).plus(time));
    }

    /** The time of {@code stage}, if it ran. */
    public Optional<Duration> get(Stage stage) {
        return Optional.ofNullable(stages.get(stage));
    }

    /** Every measured stage, in pipeline order. */
    public Map<Stage, Duration> asMap() {
        return Collections.unmodifiableMap(stages);
    }

    /** The completion's {@code timingsMs}: stage keys to milliseconds, in pipeline order. */
    public Map<String, Double> toWireMillis() {
        Map<String, Double> wire = new LinkedHashMap<>();
        stages.forEach((stage, time) -> wire.put(stage.key(), time.toNanos() / 1e6));
        return wire;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobTimings other && stages.equals(other.stages);
    }

    @Override
    public int hashCode() {
        return stages.hashCode();
    }

    @Override
    public String toString() {
        return toWireMillis().toString();
    }
}
