package io.sdfleet.producer.cli;

import io.sdfleet.common.Completion;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.producer.ProgressListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows how far awaited jobs have got, for {@code submit --wait}: on an interactive terminal one line per job, a bar
 * with steps done, the phase, the time since the submit and an ETA from the worker's step rate, redrawn in place
 * (ANSI: cursor up, clear line); elsewhere (a pipe, a log, {@code --json}) one plain line per event. Writes to the
 * stream it is given (the CLI gives standard error, so standard output keeps only job ids and completions).
 *
 * <p>Called on the waiting thread only ({@link ProgressListener}); the clock is injected (nanoseconds).
 */
final class ProgressRenderer implements ProgressListener {

    private static final String CLEAR_LINE = "\u001b[2K";
    private static final int MIN_BAR = 5;
    private static final int MAX_BAR = 40;

    private final PrintStream out;
    private final Terminal terminal;
    private final LongSupplier nanos;
    private final long startNanos;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private int drawn;

    ProgressRenderer(PrintStream out, Terminal terminal, LongSupplier nanos, List<String> jobIds) {
        this.out = out;
        this.terminal = terminal;
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
        for (String id : jobIds) {
            lines.put(id, line(id, "waiting", 0, 0, Double.NaN));
        }
        if (terminal.tty()) {
            redraw();
        }
    }

    @Override
    public void onProgress(ProgressEvent e) {
        if (!lines.containsKey(e.jobId())) {
            return;
        }
        double eta = e.stepsPerSecond() > 0 && e.phase() == ProgressEvent.Phase.STEP
                ? (e.totalSteps() - e.step()) / e.stepsPerSecond() : Double.NaN;
        String phase = switch (e.phase()) {
            case QUEUED -> "queued";
            case STARTED -> "started (" + e.position() + "/" + e.batchJobs() + ")";
            case STEP -> "denoising";
            case DECODING -> "decoding";
            case STORING -> "storing";
        };
        show(e.jobId(), line(e.jobId(), phase, e.step(), e.totalSteps(), eta));
    }

    @Override
    public void onCompletion(Completion c) {
        if (lines.containsKey(c.jobId())) {
            // The steps the job ran, as its progress counted them (fewer than steps for a picture at strength < 1).
            int total = c.stepsRun() != null ? c.stepsRun() : c.request() == null ? 0 : c.request().stepsRun();
            show(c.jobId(), line(c.jobId(), c.status().name(), c.status().name().equals("SUCCEEDED") ? total : 0,
                    total, Double.NaN));
        }
    }

    private void show(String jobId, String line) {
        lines.put(jobId, line);
        if (terminal.tty()) {
            redraw();
        } else {
            out.println(line);
        }
    }

    /** Moves up over the lines drawn before and draws every job's line again. */
    private void redraw() {
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append("\u001b[").append(drawn).append('F');
        }
        for (String line : lines.values()) {
            sb.append(CLEAR_LINE).append(line).append('\n');
        }
        drawn = lines.size();
        out.print(sb);
        out.flush();
    }

    /** One job's line, at most the terminal's width. */
    String line(String jobId, String phase, int step, int total, double etaSeconds) {
        String elapsed = seconds(Duration.ofNanos(nanos.getAsLong() - startNanos).toMillis() / 1000.0);
        String eta = Double.isNaN(etaSeconds) ? "" : " ETA " + seconds(etaSeconds);
        String counts = total > 0 ? String.format(Locale.ROOT, " %d/%d %3d%%", step, total, 100 * step / total) : "";
        String tail = counts + " " + phase + " " + elapsed + eta;
        if (!terminal.tty()) {
            return jobId + tail;
        }
        String id = jobId.length() > 14 ? "…" + jobId.substring(jobId.length() - 13) : jobId;
        int barWidth = Math.min(MAX_BAR, terminal.width() - id.length() - tail.length() - 4);
        String line;
        if (barWidth >= MIN_BAR) {
            int filled = total > 0 ? (int) Math.round(barWidth * (double) step / total) : 0;
            line = id + " [" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "]" + tail;
        } else {
            line = id + tail;
        }
        return line.length() > terminal.width() ? line.substring(0, terminal.width()) : line;
    }

    private static String seconds(double s) {
        return s < 60 ? String.format(Locale.ROOT, "%.1fs", s)
                : String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }
}
