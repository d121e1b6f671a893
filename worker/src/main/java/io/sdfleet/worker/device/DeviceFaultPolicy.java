package io.sdfleet.worker.device;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.pipeline.RuntimeCallFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one owner of device-fault decisions: when a model call (text encoder, UNet step, VAE) fails, whose
 * fault was it — one of the jobs in the call, or the device — and when does the worker give up on itself.
 *
 * <p>Every runtime call of the device stage goes through {@link #run}. A call covers parts (one per job: the
 * job, or its images in the call); on a {@link RuntimeCallFailure} the failure's kind decides:
 * <ol>
 *   <li>{@code BROKEN} (a native library failed to load, a VirtualMachineError): fatal at once; nothing in
 *       this process will fix it.
 *   <li>{@code DEVICE} (a CUDA/cuBLAS/cuDNN error): a device fault, without isolation (running jobs alone on
 *       a failing device proves nothing); every part is left untouched to be tried again.
 *   <li>{@code UNATTRIBUTED} or {@code OUT_OF_MEMORY}: isolation. Each part runs alone, twice at most (a
 *       single-part call already ran alone once, so once more): a part is blamed only after failing on its own
 *       twice, so a one-off failure is never a job's. Parts that run alone are done (their images do not depend
 *       on the call's other parts). A part that still fails is the job's fault only when the device
 *       demonstrably works: another part ran alone, or, when none did, the {@link Probe} runs. Then it fails
 *       with {@link ErrorCode#MODEL_ERROR} (an input the model cannot take) or, after OUT_OF_MEMORY,
 *       {@link ErrorCode#RESOURCE_EXHAUSTED} (it needs more memory than this worker has). When the probe fails
 *       too, or a part fails alone with a DEVICE error, it is a device fault and the failed parts are left to be
 *       tried again.
 * </ol>
 *
 * <p>The state machine, over two counters (device thread only):
 * <pre>
 *   HEALTHY   --device fault-->  FAULTING(1) --device fault--> FAULTING(n+1) ... n = max --> FATAL
 *   any state --BROKEN-->        FATAL
 *   any state --jobs blamed with only the probe as evidence--> blamed += k;  blamed = 10 --> FATAL
 *   any state --real work succeeds (a call, or a part alone)--> HEALTHY (both counters 0)
 * </pre>
 * {@code max} is {@code SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS}. FATAL throws {@link WorkerFatalException}: the
 * worker stops with exit 1, the orchestrator restarts it, and its uncommitted jobs are delivered again (to it or
 * to another worker). The blame limit exists because a device that still runs the probe but no real job (e.g.
 * fragmented device memory) would otherwise fail every job and look healthy for ever. A probe that runs never
 * counts as real work. Device faults never hand jobs back to Kafka: the device stage keeps them and tries again
 * after {@link #pauseAfterFault()}.
 *
 * <p>Not thread-safe: the device thread only.
 */
public final class DeviceFaultPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceFaultPolicy.class);

    /** Jobs in a row blamed with only the probe as evidence, after which the device is blamed: fatal. */
    static final int MAX_BLAMED_ON_PROBE_EVIDENCE = 10;

    /** One model call over some parts; returns one result per part, in order. */
    @FunctionalInterface
    public interface Call<P, R> {
        List<R> run(List<P> parts) throws RuntimeCallFailure;
    }

    /** The known-good request of the worker ({@code StableDiffusionPipeline#probe}), run through the model. */
    public interface Probe {
        /** Runs the probe; any failure of it is reported as a RuntimeCallFailure. */
        void run() throws RuntimeCallFailure;

        /** For messages, e.g. "a 64x64 1-step probe". */
        String description();
    }

    /** What became of one part of a call. */
    public record Outcome<R>(R value, ErrorInfo error, boolean retry) {
        static <R> Outcome<R> ran(R value) {
            return new Outcome<>(value, null, false);
        }

        static <R> Outcome<R> failed(ErrorInfo error) {
            return new Outcome<>(null, Objects.requireNonNull(error), false);
        }

        static <R> Outcome<R> later() {
            return new Outcome<>(null, null, true);
        }

        /** The part ran: {@link #value()} is its result. */
        public boolean done() {
            return error == null && !retry;
        }
    }

    /**
     * One per part, in order; {@code deviceFault} when the device was found at fault (the parts to retry are
     * marked {@link Outcome#retry()}; the caller pauses {@link #pauseAfterFault()} before trying them again).
     */
    public record Attribution<R>(List<Outcome<R>> outcomes, boolean deviceFault) {
    }

    private final int maxConsecutiveDeviceFaults;
    private final Probe probe;
    private final java.time.Duration pause;
    private int consecutiveDeviceFaults;
    private int blamedOnProbeEvidence;

    /**
     * @param maxConsecutiveDeviceFaults device faults in a row after which the worker stops
     * @param pause how long the device stage waits after a device fault before trying again
     */
    public DeviceFaultPolicy(int maxConsecutiveDeviceFaults, Probe probe, java.time.Duration pause) {
        if (maxConsecutiveDeviceFaults < 1) {
            throw new IllegalArgumentException("maxConsecutiveDeviceFaults must be at least 1");
        }
        this.maxConsecutiveDeviceFaults = maxConsecutiveDeviceFaults;
        this.probe = Objects.requireNonNull(probe, "probe");
        this.pause = pause;
    }

    /**
     * Runs {@code call} over {@code parts}, attributing a failure as the class comment says.
     *
     * @param what the call, for logs (e.g. "UNet step of 5 jobs")
     * @param name a part's name for messages (its job id)
     * @throws WorkerFatalException when the state machine reaches FATAL
     */
    public <P, R> Attribution<R> run(String what, List<P> parts, Function<P, String> name, Call<P, R> call) {
        List<R> results;
        try {
            results = call.run(parts);
        } catch (RuntimeCallFailure failure) {
            return attribute(what, parts, name, call, failure);
        }
        realWorkSucceeded();
        List<Outcome<R>> outcomes = new ArrayList<>(results.size());
        results.forEach(r -> outcomes.add(Outcome.ran(r)));
        return new Attribution<>(outcomes, false);
    }

    /** How long to wait after a device fault before trying the same work again. */
    public java.time.Duration pauseAfterFault() {
        return pause;
    }

    /** Device faults in a row so far (for tests and logs). */
    int consecutiveDeviceFaults() {
        return consecutiveDeviceFaults;
    }

    private <P, R> Attribution<R> attribute(String what, List<P> parts, Function<P, String> name, Call<P, R> call,
            RuntimeCallFailure failure) {
        switch (failure.kind()) {
            case BROKEN -> throw new WorkerFatalException("the runtime is broken (" + failure.getMessage()
                    + "); it cannot be used again in this process", failure);
            case DEVICE -> {
                deviceFault(what + ": " + failure.getMessage() + " (a device-side error: not isolated)", failure);
                return allLater(parts.size());
            }
            default -> {
                return isolate(what, parts, name, call, failure);
            }
        }
    }

    private <P, R> Attribution<R> isolate(String what, List<P> parts, Function<P, String> name, Call<P, R> call,
            RuntimeCallFailure callFailure) {
        List<Outcome<R>> outcomes = new ArrayList<>(parts.size());
        RuntimeCallFailure[] failedAlone = new RuntimeCallFailure[parts.size()];
        boolean anyRan = false;
        int soloRuns = parts.size() == 1 ? 1 : 2;
        for (int p = 0; p < parts.size(); p++) {
            Outcome<R> outcome = null;
            for (int attempt = 0; attempt < soloRuns && outcome == null; attempt++) {
                try {
                    outcome = Outcome.ran(call.run(List.of(parts.get(p))).get(0));
                    failedAlone[p] = null;
                } catch (RuntimeCallFailure e) {
                    if (e.kind() == RuntimeCallFailure.Kind.BROKEN) {
                        throw new WorkerFatalException("the runtime is broken (" + e.getMessage() + ")", e);
                    }
                    failedAlone[p] = e;
                    if (e.kind() == RuntimeCallFailure.Kind.DEVICE) {
                        break; // a device-side error alone is the device's: no second try proves more
                    }
                }
            }
            if (outcome != null) {
                anyRan = true;
                realWorkSucceeded();
            }
            outcomes.add(outcome);
        }
        List<Integer> culprits = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            if (outcomes.get(p) == null) {
                culprits.add(p);
            }
        }
        if (culprits.isEmpty()) {
            LOG.info("{} failed as a whole ({}) but every job ran alone", what, callFailure.brief());
            return new Attribution<>(outcomes, false);
        }
        for (int p : culprits) {
            if (failedAlone[p].kind() == RuntimeCallFailure.Kind.DEVICE) {
                deviceFault(what + ": " + name.apply(parts.get(p)) + " failed alone with a device-side error ("
                        + failedAlone[p].brief() + "), which is never blamed on a job", failedAlone[p]);
                return retryCulprits(outcomes, culprits);
            }
        }
        String evidence;
        if (anyRan) {
            evidence = "other jobs of the call ran";
        } else if (probeRuns()) {
            evidence = probe.description() + " ran";
            blamedOnProbeEvidence += culprits.size();
            if (blamedOnProbeEvidence >= MAX_BLAMED_ON_PROBE_EVIDENCE) {
                throw new WorkerFatalException(what + ": " + blamedOnProbeEvidence + " jobs in a row failed alone"
                        + " with no real work running in between (only " + evidence + "): the device most likely"
                        + " cannot run real work; giving up on this process", callFailure);
            }
        } else {
            deviceFault(what + ": every job failed alone and " + probe.description() + " failed too ("
                    + callFailure.brief() + ")", callFailure);
            return retryCulprits(outcomes, culprits);
        }
        for (int p : culprits) {
            RuntimeCallFailure alone = failedAlone[p];
            ErrorInfo error = alone.kind() == RuntimeCallFailure.Kind.OUT_OF_MEMORY
                    ? ErrorCode.RESOURCE_EXHAUSTED.error("the job ran out of memory each time it ran alone, while "
                            + evidence + ": it needs more memory than this worker has (" + alone.brief() + ")")
                    : ErrorCode.MODEL_ERROR.error("the model failed on this job run alone, while " + evidence + ": "
                            + alone.brief());
            LOG.warn("{}: {} fails {}: {}", what, name.apply(parts.get(p)), error.code(), error.message());
            outcomes.set(p, Outcome.failed(error));
        }
        return new Attribution<>(outcomes, false);
    }

    private boolean probeRuns() {
        try {
            probe.run();
            return true;
        } catch (RuntimeCallFailure e) {
            if (e.kind() == RuntimeCallFailure.Kind.BROKEN) {
                throw new WorkerFatalException("the runtime is broken (" + e.getMessage() + ")", e);
            }
            LOG.warn("{} failed: {}", probe.description(), e.brief());
            return false;
        }
    }

    /** Counts a device fault; at the limit the worker stops. */
    private void deviceFault(String message, RuntimeCallFailure failure) {
        consecutiveDeviceFaults++;
        if (consecutiveDeviceFaults >= maxConsecutiveDeviceFaults) {
            throw new WorkerFatalException("fatal device fault: " + consecutiveDeviceFaults + " device fault(s) in a"
                    + " row (SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS), the last: " + message, failure);
        }
        LOG.warn("device fault {} of {} allowed in a row: {}; the jobs stay and run again in {} ms",
                consecutiveDeviceFaults, maxConsecutiveDeviceFaults, message, pause.toMillis());
    }

    private void realWorkSucceeded() {
        consecutiveDeviceFaults = 0;
        blamedOnProbeEvidence = 0;
    }

    private static <R> Attribution<R> allLater(int parts) {
        List<Outcome<R>> outcomes = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            outcomes.add(Outcome.later());
        }
        return new Attribution<>(outcomes, true);
    }

    private static <R> Attribution<R> retryCulprits(List<Outcome<R>> outcomes, List<Integer> culprits) {
        for (int p : culprits) {
            outcomes.set(p, Outcome.later());
        }
        return new Attribution<>(outcomes, true);
    }
}
