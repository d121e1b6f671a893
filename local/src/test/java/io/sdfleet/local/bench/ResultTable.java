package io.sdfleet.local.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Prints the benchmark's results as Markdown tables (so the output can be pasted into docs/bench-fleet.md
 * as is): throughput and latency, where a loaded job's time went, and the idle fleet's single-job
 * latency, followed by the legend that defines every column.
 */
final class ResultTable {

    static final String LEGEND = """
            Definitions (ms are milliseconds; medians are over the jobs of the row):
            - jobs/s = M / (last completion seen - first submit) of a round, M jobs submitted at once; the median
              round is shown, then every round's.
            - latency = completion seen by a read_committed reader - that job's submit call, over the jobs of all
              rounds; p50/p99 nearest rank.
            - load = the machine's 1-minute load average just before the row's first round (this process included).
            - mean batch = jobs / batches the workers formed; device busy = model time summed over batches /
              (workers x wall time of the rounds).
            - Per job, latency = waiting + model + png + upload + event:
              waiting = timingsMs.queue (record timestamp -> its batch starts: Kafka transit, batch fill, device queue);
              model = tokenize + encode + denoise + decode (the whole batch's model time, as the job lives it);
              png, upload = timingsMs.png / .upload; event = the rest (store-pool hand-off and wait, the poll
              loop's wait before it commits (up to SDFLEET_POLL_TIMEOUT), completion record and transaction
              commit, delivery to the reader).
            - fleet overhead = png + upload + event (everything the fleet adds around the model, except waiting);
              shown as a share of service time (latency - waiting) and of the whole latency (sums over jobs).
            - idle fleet: jobs submitted one at a time after the warm-up; its waiting includes Kafka transit and
              SDFLEET_BATCH_MAX_WAIT (a lone job waits that long for company).
            """;

    private ResultTable() {
    }

    static String render(List<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("Throughput and latency (M jobs submitted at once per round)\n\n");
        out.append("| workers | batch | ORT threads | rounds x M | jobs/s (median round) | rounds' jobs/s | p50 ms"
                + " | p99 ms | mean batch | device busy | jobs per worker | failed | load |\n");
        out.append("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|\n");
        for (RunResult r : results) {
            out.append(row(r.config().workers(), r.config().batchMaxImages(), threads(r.config()),
                    r.roundWallMs().size() + " x " + r.jobsPerRound(), f(r.jobsPerSecond(), 2),
                    String.join(", ", r.roundJobsPerSecond().stream().map(v -> f(v, 1)).toList()),
                    f(Stats.percentile(r.loaded(), JobSample::latency, 50), 0),
                    f(Stats.percentile(r.loaded(), JobSample::latency, 99), 0), f(r.meanBatch(), 1),
                    pct(r.deviceBusy()), r.jobsPerWorker().values().toString(), r.failed(), f(r.loadBefore(), 1)));
        }
        out.append("\nWhere a loaded job's time went (medians, ms)\n\n");
        out.append("| workers | batch | latency | waiting | model | png | upload | event | fleet overhead"
                + " | overhead / service | overhead / latency |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult r : results) {
            List<JobSample> s = r.loaded();
            out.append(row(r.config().workers(), r.config().batchMaxImages(), med(s, JobSample::latency),
                    med(s, JobSample::waiting), med(s, JobSample::model), med(s, JobSample::png),
                    med(s, JobSample::upload), med(s, JobSample::event), med(s, JobSample::fleetOverhead),
                    pct(r.overheadShareOfService()), pct(r.overheadShareOfLatency())));
        }
        out.append("\nIdle fleet, one job at a time (medians, ms)\n\n");
        out.append("| workers | batch | jobs | latency | waiting | model | png | upload | event | fleet overhead"
                + " / latency |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult r : results) {
            List<JobSample> s = r.idle();
            if (s.isEmpty()) {
                continue;
            }
            out.append(row(r.config().workers(), r.config().batchMaxImages(), s.size(), med(s, JobSample::latency),
                    med(s, JobSample::waiting), med(s, JobSample::model), med(s, JobSample::png),
                    med(s, JobSample::upload), med(s, JobSample::event),
                    pct(Stats.sum(s, JobSample::fleetOverhead) / Stats.sum(s, JobSample::latency))));
        }
        out.append('\n').append(LEGEND);
        return out.toString();
    }

    private static String threads(FleetConfig c) {
        return c.ortThreads() == 0 ? "all" : Integer.toString(c.ortThreads());
    }

    private static String med(List<JobSample> s, ToDoubleFunction<JobSample> v) {
        return f(Stats.median(s, v), 1);
    }

    private static String pct(double share) {
        return f(share * 100, 1) + " %";
    }

    private static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String row(Object... cells) {
        StringBuilder b = new StringBuilder("|");
        for (Object c : cells) {
            b.append(' ').append(c).append(" |");
        }
        return b.append('\n').toString();
    }
}
