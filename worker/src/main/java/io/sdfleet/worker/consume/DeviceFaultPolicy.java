package io.sdfleet.worker.consume;

import io.sdfleet.common.Completion;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.TimingKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's one policy for device faults ({@link io.sdfleet.worker.pipeline.DeviceFault}: the batch
 * failed on the device, not for a job's own reasons), and its poll-thread half.
 *
 * <p>The policy, end to end:
 * <ol>
 *   <li>Inside the pipeline, a RuntimeException from a runtime call is isolated per job there
 *       ({@code pipeline.FaultIsolation}: jobs that fail alone while the device works get MODEL_ERROR);
 *       OutOfMemoryError, LinkageError and other VirtualMachineErrors are never isolated there: they reach
 *       the device thread as a DeviceFault ({@code pipeline.RuntimeCallGuard}), whose {@code fatal()} flag
 *       is only the pipeline's opinion.
 *   <li>A DeviceFault on a batch of more than one job is never fatal: the batch is handed back, its
 *       partitions rewound, and each of its jobs is counted here, per (partition, offset). These counts
 *       survive rewinds and revocations within this process (they are dropped once the offset is committed,
 *       and the oldest go past {@link #MAX_TRACKED_RECORDS}).
 *   <li>The next delivery of a counted job runs it as a batch of one ({@link Batcher#addAlone}), so a job
 *       that cannot fit (a huge size, many images) no longer takes its batch down with it.
 *   <li>A DeviceFault on a job running alone: the device thread runs a known-good probe ({@link DeviceStage},
 *       the warm-up shape: 64x64, one step). If the probe fails too, the device is broken: fatal, the worker
 *       exits and restarts. If the probe runs, the job is handed back and counted as having faulted alone.
 *   <li>A job that has faulted alone {@value #ALONE_FAULTS_TO_FAIL} times is not run again: its next delivery
 *       is completed FAILED with {@link #RESOURCE_EXHAUSTED} and committed like any completion, so one request
 *       too large for the workers' memory cannot crash-loop the fleet.
 *   <li>A device that runs the probe but no real job would otherwise fail every job this way: after
 *       {@value #MAX_ALONE_FAULTS_WITHOUT_SUCCESS} faults of jobs running alone with no real batch completing
 *       in between, the fault is fatal ({@link DeviceStage} counts them).
 * </ol>
 * Counts live in this process only: a restarted worker starts again from step 2, which costs at most a
 * few extra runs of a job before it is failed.
 *
 * <p>Not thread-safe: the poll thread only (faults arrive through {@link WorkInbox#redeliverAfterFault}).
 */
public final class DeviceFaultPolicy {

    /**
     * Error code of a job that failed on the device each time it ran alone, while a known-good probe ran:
     * it needs more memory (Java heap or device) than this worker has. Retrying the same request on the same
     * kind of worker fails the same way; smaller sizes or fewer images per request may run.
     */
    public static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
    /** Device faults of a job running alone after which it is completed FAILED instead of run again. */
    public static final int ALONE_FAULTS_TO_FAIL = 2;
    /** Faults of jobs running alone, with no real batch completing in between, that stop the worker. */
    public static final int MAX_ALONE_FAULTS_WITHOUT_SUCCESS = 10;
    /** Most (partition, offset) counts kept; the oldest are dropped beyond that. */
    static final int MAX_TRACKED_RECORDS = 10_000;

    /** How to run a job taken from Kafka. */
    public enum Verdict { BATCHED, ALONE, FAIL }

    private record Position(TopicPartition partition, long offset) {
    }

    private static final class Counts {
        int inBatch;
        int alone;
    }

    private final Map<Position, Counts> counts = new LinkedHashMap<>();
    private final CompletionRecords completions;
    private final JobIdentity identity;
    private final Clock clock;

    public DeviceFaultPolicy(CompletionRecords completions, JobIdentity identity, Clock clock) {
        this.completions = completions;
        this.identity = identity;
        this.clock = clock;
    }

    /** A device fault handed {@code job} back; {@code alone} when it was the only job on the device. */
    public void faulted(PendingJob job, boolean alone) {
        Counts c = counts.computeIfAbsent(new Position(job.partition(), job.offset()), p -> new Counts());
        if (alone) {
            c.alone++;
        } else {
            c.inBatch++;
        }
        if (counts.size() > MAX_TRACKED_RECORDS) {
            Iterator<Position> oldest = counts.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** How to run the record at {@code partition}/{@code offset}, delivered again or for the first time. */
    public Verdict verdict(TopicPartition partition, long offset) {
        Counts c = counts.get(new Position(partition, offset));
        if (c == null) {
            return Verdict.BATCHED;
        }
        return c.alone >= ALONE_FAULTS_TO_FAIL ? Verdict.FAIL : Verdict.ALONE;
    }

    /** The FAILED completion of a job given up by {@link Verdict#FAIL}. */
    public FinishedWork resourceExhausted(PendingJob job) {
        Counts c = counts.get(new Position(job.partition(), job.offset()));
        int alone = c == null ? 0 : c.alone;
        int inBatch = c == null ? 0 : c.inBatch;
        Instant now = clock.instant();
        ErrorInfo error = new ErrorInfo(RESOURCE_EXHAUSTED, "the device failed on this job " + alone
                + " time(s) running alone (and " + inBatch + " time(s) in a batch) while a known-good probe ran:"
                + " it needs more memory than this worker has");
        Completion failed = Completion.failed(job.request(), error, identity.workerId(), 1,
                Map.of(TimingKeys.QUEUE, Math.max(0, Duration.between(job.recordTime(), now).toNanos() / 1e6)),
                identity.model(), identity.runtime(), List.of(), now);
        return completions.finished(job, failed);
    }

    /** Offsets were committed: the records below them are done for good, their counts are dropped. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (counts.isEmpty()) {
            return;
        }
        counts.keySet().removeIf(p -> {
            OffsetAndMetadata o = offsets.get(p.partition());
            return o != null && p.offset() < o.offset();
        });
    }
}
