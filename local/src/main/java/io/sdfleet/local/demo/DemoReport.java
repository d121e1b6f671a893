package io.sdfleet.local.demo;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.Stage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Everything the demo prints about its jobs, for a person reading a terminal: one line per arrival while
 * waiting, then per job its id, status, seed, scheduler, and per image the object (s3://bucket/key), the
 * presigned URL and the downloaded file. Paths are shown relative to the working directory when they are
 * inside it. Stateless apart from the stream and the working directory.
 */
public final class DemoReport {

    /**
     * One job as the demo saw it.
     *
     * @param request    the request as sent (job id and seed filled in)
     * @param completion its completion, or null when none came
     * @param images     one entry per image of a SUCCEEDED completion
     */
    public record JobOutcome(JobRequest request, Completion completion, List<SavedImage> images) {

        public boolean succeeded() {
            return completion != null && completion.status() == CompletionStatus.SUCCEEDED
                    && images.stream().allMatch(i -> i.file() != null);
        }
    }

    /**
     * One image of a succeeded job.
     *
     * @param ref   what the completion says about it
     * @param file  where it was saved; null when the download failed
     * @param error why the download failed; null when it worked
     */
    public record SavedImage(ImageRef ref, Path file, String error) {
    }

    private final PrintStream out;
    private final Path workingDir;

    public DemoReport(PrintStream out, Path workingDir) {
        this.out = out;
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** One line when a completion arrives. */
    public void arrived(Completion c, int arrivedSoFar, int total) {
        Double totalMs = c.timingsMs().get(Stage.TOTAL.key());
        out.printf("  [%d/%d] %s %s%s%n", arrivedSoFar, total, c.jobId(), c.status(),
                totalMs == null ? "" : String.format(Locale.ROOT, " after %.1f s on the worker (batch of %d)",
                        totalMs / 1000.0, c.batchSize()));
        out.flush();
    }

    /** The full block of one job. */
    public void job(JobOutcome job) {
        JobRequest r = job.request();
        Completion c = job.completion();
        out.printf("job %s  %s%n", r.jobId(), c == null ? "NO COMPLETION" : c.status());
        out.printf("    prompt    \"%s\"%n", r.prompt());
        out.printf("    scheduler %s   seed %d   %dx%d   %d steps%n", r.scheduler().wireName(), r.seed(), r.width(),
                r.height(), r.steps());
        if (c != null && c.error() != null) {
            out.printf("    error     %s: %s%n", c.error().code(), c.error().message());
        }
        for (int i = 0; i < job.images().size(); i++) {
            SavedImage image = job.images().get(i);
            ImageRef ref = image.ref();
            out.printf("    image %d   s3://%s/%s%n", i, ref.bucket(), ref.key());
            out.printf("              %s%n", ref.url());
            if (image.file() != null) {
                out.printf("              saved as %s (sha256 %s... checked)%n", shown(image.file()),
                        ref.sha256() == null ? "?" : ref.sha256().substring(0, Math.min(12, ref.sha256().length())));
            } else {
                out.printf("              NOT SAVED: %s%n", image.error());
            }
        }
        out.println();
        out.flush();
    }

    /** A path relative to the working directory when it lies inside it, else absolute. */
    public String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(workingDir) ? workingDir.relativize(absolute).toString() : absolute.toString();
    }

    /** Seconds with one decimal, e.g. "3.4 s". */
    public static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
