package io.sdfleet.local.demo;

import io.sdfleet.common.Completion;
import io.sdfleet.producer.CompletionTimeoutException;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.SdfleetProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Waits for the completions of the demo's jobs with {@link SdfleetProducer#awaitCompletions}, in short
 * slices, so that between slices it can report arrivals, notice Ctrl-C ({@link StopSignal}) and notice a
 * worker that died (no completion would ever come; waiting out the timeout would only hide the cause).
 * Runs on the caller's thread; holds no state between calls.
 */
public final class CompletionCollector {

    /** Longest single wait: how late an arrival is reported, a stop or a dead worker noticed. */
    public static final Duration SLICE = Duration.ofSeconds(2);

    /**
     * What came back.
     *
     * @param completions by job id, in the order of the job ids asked for
     * @param missing     job ids without a completion
     * @param stopReason  why waiting ended before every completion came (timeout, Ctrl-C, dead worker,
     *                    Kafka gone); null when all came
     */
    public record Outcome(Map<String, Completion> completions, List<String> missing, String stopReason) {
    }

    private CompletionCollector() {
    }

    /**
     * @param workerAlive false once the worker that should run the jobs stopped
     * @param onArrival   told of each completion once, in arrival order (slice by slice)
     */
    public static Outcome collect(SdfleetProducer producer, List<String> jobIds, Duration timeout,
            BooleanSupplier workerAlive, StopSignal stop, Consumer<Completion> onArrival) {
        Set<String> remaining = new LinkedHashSet<>(jobIds);
        Map<String, Completion> arrived = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        String stopReason = null;
        while (!remaining.isEmpty()) {
            if (stop.isTriggered()) {
                stopReason = "stopped (Ctrl-C) while waiting";
                break;
            }
            if (!workerAlive.getAsBoolean()) {
                stopReason = "the worker stopped before every job was done";
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                stopReason = "no completion within " + timeout.toSeconds() + " s for " + remaining.size() + " job(s)";
                break;
            }
            Map<String, Completion> batch;
            try {
                batch = producer.awaitCompletions(remaining, Duration.ofNanos(Math.min(left, SLICE.toNanos())));
            } catch (CompletionTimeoutException e) {
                batch = e.received();
            } catch (KafkaUnavailableException e) {
                stopReason = "Kafka became unreachable: " + e.getMessage();
                break;
            }
            for (Completion c : batch.values()) {
                if (remaining.remove(c.jobId())) {
                    arrived.put(c.jobId(), c);
                    onArrival.accept(c);
                }
            }
        }
        Map<String, Completion> ordered = new LinkedHashMap<>();
        for (String id : jobIds) {
            if (arrived.containsKey(id)) {
                ordered.put(id, arrived.get(id));
            }
        }
        return new Outcome(ordered, new ArrayList<>(remaining), stopReason);
    }
}
