package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.demo.ModelLocator;
import io.sdfleet.producer.JobIdGenerator;
import io.sdfleet.producer.replay.RangeBound;
import io.sdfleet.producer.replay.ReplayFilter;
import io.sdfleet.producer.replay.ReplayOverrides;
import io.sdfleet.producer.replay.ReplayReport;
import io.sdfleet.producer.replay.ReplaySource;
import io.sdfleet.producer.replay.ReplaySpec;
import io.sdfleet.producer.replay.Replayer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replaying the requests topic with the producer's {@link Replayer} through the real pipeline: without
 * overrides the new jobs make byte-identical PNGs (same seed, same runtime); with overrides they make other
 * images. Either way each new job is linked to its original by regenerationOf. The byte-identity case runs on
 * both tiny models (random weights, and trained: pictures with structure).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ReplayEndToEndTest {

    /** Also for jobs from pictures: the replay keeps their references, so it starts from the same bytes. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ModelLocator.RANDOM_MODEL, ModelLocator.BUNDLED_MODEL})
    void replayWithoutOverridesMakesTheSameBytes(String model, LocalStack stack, @org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-replay", model)) {
            s.startWorker("w1", Map.of());
            java.nio.file.Path picture = dir.resolve("picture.png");
            java.nio.file.Path mask = dir.resolve("mask.png");
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.image.BufferedImage white = new java.awt.image.BufferedImage(64, 64,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    image.setRGB(x, y, (x * 4 << 16) | (y * 4 << 8) | 0x40);
                    white.setRGB(x, y, y < 32 ? 0xFFFFFF : 0);
                }
            }
            javax.imageio.ImageIO.write(image, "png", picture.toFile());
            javax.imageio.ImageIO.write(white, "png", mask.toFile());
            List<JobRequest> jobs = new java.util.ArrayList<>(originals());
            jobs.add(JobRequest.builder("a replayed img2img").size(64, 64).steps(6).initImage(picture).strength(0.5)
                    .scheduler(SchedulerName.EULER_ANCESTRAL).build());
            jobs.add(JobRequest.builder("a replayed inpainting").size(64, 64).steps(4).initImage(picture)
                    .maskImage(mask).build());
            List<JobRequest> originals = s.submit(jobs);
            Map<String, Completion> first = s.awaitCompletions(ids(originals));

            ReplayReport report = replayAll(s, ReplayOverrides.NONE);

            Map<String, Completion> replayed = awaitReplays(s, report, originals);
            for (ReplayReport.ReplayedJob job : report.sent()) {
                Completion original = first.get(job.originalJobId());
                Completion again = replayed.get(job.newJobId());
                assertEquals(CompletionStatus.SUCCEEDED, original.status(),
                        () -> job.originalJobId() + ": " + original.error());
                assertEquals(original.request().numImages(), original.images().size(),
                        "images of " + job.originalJobId());
                assertFalse(original.images().isEmpty(), "images of " + job.originalJobId());
                assertEquals(original.images().size(), again.images().size());
                for (int i = 0; i < again.images().size(); i++) {
                    assertArrayEquals(s.image(original, i), s.image(again, i),
                            "image " + i + " of " + job.newJobId() + " vs " + job.originalJobId());
                    assertEquals(original.images().get(i).sha256(), again.images().get(i).sha256());
                    assertNotEquals(original.images().get(i).key(), again.images().get(i).key(), "new objects");
                }
            }
            for (JobRequest r : originals) {
                if (r.initImage() != null) {
                    Completion again = replayed.get(report.sent().stream()
                            .filter(j -> j.originalJobId().equals(r.jobId())).findFirst().orElseThrow().newJobId());
                    assertEquals(r.initImage(), again.request().initImage(), "the replay keeps the reference");
                    assertEquals(r.maskImage(), again.request().maskImage());
                    assertEquals(r.strength(), again.request().strength());
                }
            }
            System.out.printf("e2e replay (%s): %d jobs replayed byte-identical (2 from pictures)%n", model,
                    report.sent().size());
        }
    }

    @Test
    void replayWithOverridesMakesOtherImagesLinkedToTheOriginals(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-replay-ovr")) {
            s.startWorker("w1", Map.of());
            List<JobRequest> originals = s.submit(originals());
            Map<String, Completion> first = s.awaitCompletions(ids(originals));
            int steps = originals.stream().mapToInt(JobRequest::steps).max().orElseThrow() + 1;
            ReplayOverrides overrides = new ReplayOverrides(steps, SchedulerName.DDIM, null, null, null, null, null);

            ReplayReport report = replayAll(s, overrides);

            Map<String, Completion> replayed = awaitReplays(s, report, originals);
            for (ReplayReport.ReplayedJob job : report.sent()) {
                Completion original = first.get(job.originalJobId());
                Completion again = replayed.get(job.newJobId());
                assertEquals(steps, again.request().steps());
                assertEquals(SchedulerName.DDIM, again.request().scheduler());
                assertEquals(original.request().seed(), again.request().seed(), "the seed is kept");
                assertEquals(original.request().prompt(), again.request().prompt());
                for (int i = 0; i < again.images().size(); i++) {
                    byte[] before = s.image(original, i);
                    byte[] after = s.image(again, i);
                    assertFalse(Arrays.equals(before, after), "image " + i + " of " + job.newJobId() + " unchanged");
                    FleetAssertions.carriesItsParameters(after, again.request(), again.images().get(i).seed());
                }
            }
        }
    }

    /** Three jobs with different schedulers, one with two images. */
    private static List<JobRequest> originals() {
        return List.of(
                JobRequest.builder("a replayed lighthouse").size(64, 64).steps(3).scheduler(SchedulerName.EULER_ANCESTRAL)
                        .build(),
                JobRequest.builder("a replayed fox").size(64, 64).steps(2).scheduler(SchedulerName.DPMPP_2M_KARRAS)
                        .numImages(2).build(),
                JobRequest.builder("a replayed city").size(64, 64).steps(3).scheduler(SchedulerName.PNDM).build());
    }

    /** Replays the whole requests topic as it is now (offset 0 to the current end). */
    private static ReplayReport replayAll(FleetScenario s, ReplayOverrides overrides) {
        Replayer replayer = new Replayer(s.kafkaSettings(), s.producer::submitAll, new JobIdGenerator());
        ReplayReport report = replayer.replay(new ReplaySpec(ReplaySource.REQUESTS, new RangeBound.Offset(0), null,
                ReplayFilter.ALL, overrides, false));
        assertTrue(report.complete(), () -> "replay incomplete: " + report);
        return report;
    }

    /**
     * Waits for the replayed jobs: one per original, new job ids, each SUCCEEDED with regenerationOf = its
     * original's job id.
     */
    private static Map<String, Completion> awaitReplays(FleetScenario s, ReplayReport report,
            List<JobRequest> originals) {
        assertEquals(originals.size(), report.sent().size(), "replayed jobs");
        assertEquals(ids(originals).stream().sorted().toList(),
                report.sent().stream().map(ReplayReport.ReplayedJob::originalJobId).sorted().toList());
        Map<String, Completion> replayed = s.awaitCompletions(
                report.sent().stream().map(ReplayReport.ReplayedJob::newJobId).toList());
        Map<String, JobRequest> byId = originals.stream().collect(Collectors.toMap(JobRequest::jobId, Function.identity()));
        for (ReplayReport.ReplayedJob job : report.sent()) {
            Completion c = replayed.get(job.newJobId());
            assertEquals(CompletionStatus.SUCCEEDED, c.status(), () -> job.newJobId() + ": " + c.error());
            assertFalse(byId.containsKey(job.newJobId()), "a replay has a new job id");
            assertEquals(job.originalJobId(), c.request().regenerationOf(), "regenerationOf");
        }
        return replayed;
    }

    private static List<String> ids(List<JobRequest> requests) {
        return requests.stream().map(JobRequest::jobId).toList();
    }
}
