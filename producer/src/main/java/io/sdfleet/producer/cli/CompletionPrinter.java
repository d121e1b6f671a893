package io.sdfleet.producer.cli;

import io.sdfleet.common.Completion;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobCodec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How completions are shown: the wire JSON on one line ({@code --json}, for scripts: exactly what a
 * consumer of the topic reads), a one-liner ({@code watch}) or a short block ({@code submit --wait}).
 */
final class CompletionPrinter {

    private final PrintStream out;
    private final boolean json;

    CompletionPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** One line per completion: the JSON, or time, status, job, images, total time, worker. */
    void printLine(Completion c) {
        if (json) {
            printJson(c);
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(c.completedAt()).append("  ").append(c.status()).append("  ").append(c.jobId());
        sb.append("  images=").append(c.images().size());
        Double total = c.timingsMs().get("total");
        if (total != null) {
            sb.append("  total=").append(Math.round(total)).append("ms");
        }
        if (c.workerId() != null) {
            sb.append("  worker=").append(c.workerId());
        }
        if (c.error() != null) {
            sb.append("  error=").append(c.error().code()).append(": ").append(c.error().message());
        }
        out.println(sb);
    }

    /** The JSON, or a block: status, each image's location and URL, timings, warnings. */
    void printDetail(Completion c) {
        if (json) {
            printJson(c);
            return;
        }
        out.println(c.jobId() + ": " + c.status()
                + (c.workerId() == null ? "" : " (worker " + c.workerId() + ", batch of " + c.batchSize() + ")"));
        if (c.error() != null) {
            out.println("  error: " + c.error().code() + ": " + c.error().message());
        }
        if (c.request() != null && c.request().initImage() != null) {
            out.println("  " + c.request().mode().wireName() + " from " + c.request().initImage().key()
                    + (c.request().maskImage() == null ? "" : " with mask " + c.request().maskImage().key())
                    + ", strength " + c.request().effectiveStrength()
                    + (c.stepsRun() == null ? "" : ": " + c.stepsRun() + " of " + c.request().steps() + " steps run"));
        }
        for (ImageRef image : c.images()) {
            out.println("  image: s3://" + image.bucket() + "/" + image.key() + "  " + image.width() + "x"
                    + image.height() + "  seed " + image.seed());
            if (image.url() != null) {
                out.println("         " + image.url());
            }
        }
        if (!c.timingsMs().isEmpty()) {
            out.println("  timings: " + formatTimings(c.timingsMs()));
        }
        c.warnings().forEach(w -> out.println("  warning: " + w));
    }

    private void printJson(Completion c) {
        out.println(new String(JobCodec.shared().encode(c), StandardCharsets.UTF_8));
    }

    private static String formatTimings(Map<String, Double> timings) {
        return timings.entrySet().stream()
                .map(e -> e.getKey() + "=" + Math.round(e.getValue()) + "ms")
                .collect(Collectors.joining(" "));
    }
}
