package io.sdfleet.local.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measurements of one configuration: the loaded rounds (M jobs submitted at once, each) and the
 * idle-fleet jobs (one at a time), with the figures the table prints. Definitions are in
 * {@link JobSample} and in the legend {@link ResultTable} prints.
 *
 * @param roundWallMs per loaded round: its first submit to its last completion seen
 * @param loaded      the jobs of every loaded round
 * @param loadBefore  the machine's 1-minute load average just before the first loaded round (the benchmark's
 *                    own threads count in it too)
 */
record RunResult(FleetConfig config, List<Double> roundWallMs, List<JobSample> loaded, List<JobSample> idle,
                 double loadBefore) {

    RunResult {
        roundWallMs = List.copyOf(roundWallMs);
        loaded = List.copyOf(loaded);
        idle = List.copyOf(idle);
    }

    int jobsPerRound() {
        return loaded.size() / roundWallMs.size();
    }

    /** Wall time of all loaded rounds together. */
    double wallMs() {
        return roundWallMs.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Per round: M / its wall time. */
    List<Double> roundJobsPerSecond() {
        return roundWallMs.stream().map(ms -> jobsPerRound() / (ms / 1000.0)).toList();
    }

    /** The median round's jobs per second. */
    double jobsPerSecond() {
        return Stats.median(roundJobsPerSecond(), Double::doubleValue);
    }

    long failed() {
        return loaded.stream().filter(s -> !s.succeeded()).count()
                + idle.stream().filter(s -> !s.succeeded()).count();
    }

    /** Jobs per batch the workers actually formed: jobs / batches. */
    double meanBatch() {
        return loaded.size() / Stats.sum(loaded, s -> 1.0 / Math.max(1, s.batchSize()));
    }

    /** Share of the loaded run's wall time the devices spent in the model (summed over workers). */
    double deviceBusy() {
        return Stats.sum(loaded, JobSample::deviceShare) / (config.workers() * wallMs());
    }

    /** Fleet overhead (png + upload + event) over service time (latency minus waiting), summed over jobs. */
    double overheadShareOfService() {
        return Stats.sum(loaded, JobSample::fleetOverhead) / Stats.sum(loaded, JobSample::service);
    }

    /** Fleet overhead over the whole latency (including waiting), summed over jobs. */
    double overheadShareOfLatency() {
        return Stats.sum(loaded, JobSample::fleetOverhead) / Stats.sum(loaded, JobSample::latency);
    }

    /** Jobs per worker id, for the 2-worker split (partitioning by key hash is not even). */
    Map<String, Long> jobsPerWorker() {
        Map<String, Long> out = new TreeMap<>();
        loaded.forEach(s -> out.merge(s.workerId(), 1L, Long::sum));
        return out;
    }
}
