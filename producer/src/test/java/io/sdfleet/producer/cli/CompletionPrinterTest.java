package io.sdfleet.producer.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code submit --wait} prints for a job from a picture: its mode, references, strength and steps run. */
class CompletionPrinterTest {

    private static String print(Completion c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new CompletionPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false).printDetail(c);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPictureJobShowsWhereItStartedFromAndTheStepsItRan() {
        JobRequest inpaint = JobRequest.builder("a red door").jobId("j").seed(1L).steps(10)
                .initImage(new ObjectReference("inputs/aa.png", "a".repeat(64)))
                .maskImage(new ObjectReference("inputs/bb.png", "b".repeat(64))).strength(0.6).build();
        String text = print(Completion.succeeded(inpaint, List.of(), "w", 1, Map.of(), "m", "r", List.of(),
                Instant.EPOCH));
        assertTrue(text.contains("inpaint from inputs/aa.png with mask inputs/bb.png, strength 0.6: 6 of 10 steps run"),
                text);
        String txt = print(Completion.succeeded(JobRequest.builder("x").jobId("t").seed(1L).build(), List.of(), "w",
                1, Map.of(), "m", "r", List.of(), Instant.EPOCH));
        assertFalse(txt.contains("strength"), txt);
    }
}
