package io.sdfleet.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.common.fleet.ProgressEvent.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The --wait progress display on a fake terminal (bars redrawn in place, fitted to its width) and as plain lines. */
class ProgressRendererTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static ProgressEvent step(String job, int step, int total, double rate) {
        return new ProgressEvent(ProgressEvent.SCHEMA, job, "w1", Phase.STEP, step + 2, step, total, 0, 0, rate,
                Instant.EPOCH);
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalEachJobHasABarRedrawnInPlaceWithinTheWidth() {
        ProgressRenderer r = new ProgressRenderer(out, new Terminal(true, 60), nanos::get, List.of("job-a", "job-b"));
        nanos.addAndGet(2_000_000_000L);
        r.onProgress(step("job-a", 10, 30, 5.0));

        String[] frames = text().split("\u001b\\[2F");
        assertEquals(2, frames.length, "the second frame moves up over the two lines of the first: " + text());
        List<String> lines = frames[1].lines().map(l -> l.replace("\u001b[2K", "")).toList();
        assertEquals(2, lines.size());
        String a = lines.get(0);
        assertTrue(a.startsWith("job-a ["), a);
        assertTrue(a.contains(" 10/30  33% denoising 2.0s ETA 4.0s"), a);
        int bar = a.indexOf(']') - a.indexOf('[') - 1;
        assertEquals(bar / 3, a.chars().filter(c -> c == '#').count(), "a third of the bar is filled: " + a);
        assertTrue(a.length() <= 60, a.length() + ": " + a);
        assertTrue(lines.get(1).startsWith("job-b [-") && lines.get(1).contains("waiting"), lines.get(1));
    }

    @Test
    void aNarrowTerminalDropsTheBarRatherThanWrapping() {
        ProgressRenderer r = new ProgressRenderer(out, new Terminal(true, 40), nanos::get,
                List.of("0193a0b2-7c4e-7d11-8e2f-0123456789ab"));
        r.onProgress(step("0193a0b2-7c4e-7d11-8e2f-0123456789ab", 1, 150, 0.5));
        for (String line : text().replace("\u001b[2K", "").split("\u001b\\[1F|\n")) {
            assertTrue(line.length() <= 40, line.length() + ": " + line);
        }
    }

    @Test
    void plainModePrintsOneLinePerEventAndTheCompletion() {
        ProgressRenderer r = new ProgressRenderer(out, Terminal.plain(), nanos::get, List.of("job-a"));
        r.onProgress(new ProgressEvent(ProgressEvent.SCHEMA, "job-a", "w1", Phase.STARTED, 2, 0, 30, 3, 2, 0,
                Instant.EPOCH));
        r.onProgress(step("job-a", 30, 30, 10));
        r.onProgress(step("other", 3, 30, 10));
        JobRequest request = JobRequest.builder("p").jobId("job-a").seed(1L).steps(30).build();
        r.onCompletion(Completion.succeeded(request, List.of(), "w1", 1, Map.of(), "m", "r", List.of(),
                Instant.EPOCH));
        List<String> lines = text().lines().toList();
        assertEquals(List.of("job-a 0/30   0% started (2/3) 0.0s", "job-a 30/30 100% denoising 0.0s ETA 0.0s",
                "job-a 30/30 100% SUCCEEDED 0.0s"), lines);
        assertTrue(!text().contains("\u001b"), "no escape codes off a terminal");
    }

    @Test
    void aPictureJobEndsAtTheStepsItRanNotItsSteps() {
        ProgressRenderer r = new ProgressRenderer(out, Terminal.plain(), nanos::get, List.of("job-p"));
        r.onProgress(step("job-p", 15, 15, 10));
        JobRequest request = JobRequest.builder("p").jobId("job-p").seed(1L).steps(30).strength(0.5)
                .initImage(new io.sdfleet.common.ObjectReference("inputs/a.png", "0".repeat(64))).build();
        r.onCompletion(Completion.succeeded(request, List.of(), "w1", 1, Map.of(), "m", "r", List.of(),
                Instant.EPOCH));
        assertEquals(List.of("job-p 15/15 100% denoising 0.0s ETA 0.0s", "job-p 15/15 100% SUCCEEDED 0.0s"),
                text().lines().toList(), "int(30 x 0.5) steps, as the bar counted them");
    }
}
