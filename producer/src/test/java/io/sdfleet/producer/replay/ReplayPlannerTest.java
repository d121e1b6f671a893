package io.sdfleet.producer.replay;

import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.Violation;
import io.sdfleet.producer.JobIdGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filters, overrides and the per-record decision, without a broker. */
class ReplayPlannerTest {

    private static final JobRequest ORIGINAL = JobRequest.builder("a lighthouse at dusk").jobId("orig-1").seed(1234L)
            .negativePrompt("blurry").size(512, 768).steps(25).guidanceScale(6.5).scheduler(SchedulerName.EULER_ANCESTRAL)
            .numImages(2).model("tiny-sd").priority(3).deadline(Instant.parse("2026-01-01T00:00:00Z"))
            .metadata(Map.of("tenant", "acme", "run", "7")).build();

    private static byte[] bytes(JobRequest r) {
        return JobCodec.shared().encode(r);
    }

    private static ReplayPlanner planner(ReplayFilter filter, ReplayOverrides overrides) {
        return new ReplayPlanner(filter, overrides, new JobIdGenerator());
    }

    @Test
    void withoutOverridesEverythingThatShapesTheImageIsKept() {
        ReplayPlanner.Outcome outcome = planner(ReplayFilter.ALL, ReplayOverrides.NONE).plan(1, 42, "orig-1", bytes(ORIGINAL));

        ReplayReport.ReplayedJob job = assertInstanceOf(ReplayPlanner.Replay.class, outcome).job();
        assertEquals("orig-1", job.originalJobId());
        assertEquals(1, job.partition());
        assertEquals(42, job.offset());
        assertTrue(JobIdGenerator.isUuidV7(job.newJobId()), job.newJobId());
        JobRequest expected = ORIGINAL.toBuilder().jobId(job.newJobId()).regenerationOf("orig-1").deadline(null).build();
        assertEquals(expected, job.request());
    }

    @Test
    void aRegenerationPointsAtTheJobItReplays() {
        JobRequest regeneration = ORIGINAL.toBuilder().jobId("second").regenerationOf("orig-1").build();
        ReplayReport.ReplayedJob job = assertInstanceOf(ReplayPlanner.Replay.class,
                planner(ReplayFilter.ALL, ReplayOverrides.NONE).plan(0, 0, null, bytes(regeneration))).job();
        assertEquals("second", job.request().regenerationOf());
    }

    @Test
    void overridesChangeOnlyTheirFields() {
        Instant deadline = Instant.parse("2030-01-01T00:00:00Z");
        ReplayOverrides overrides = new ReplayOverrides(40, SchedulerName.DDIM, 640, 640, 9.0, "other-model", deadline);
        ReplayReport.ReplayedJob job = assertInstanceOf(ReplayPlanner.Replay.class,
                planner(ReplayFilter.ALL, overrides).plan(0, 3, "orig-1", bytes(ORIGINAL))).job();
        JobRequest r = job.request();
        assertEquals(40, r.steps());
        assertEquals(SchedulerName.DDIM, r.scheduler());
        assertEquals(640, r.width());
        assertEquals(640, r.height());
        assertEquals(9.0, r.guidanceScale());
        assertEquals("other-model", r.model());
        assertEquals(deadline, r.deadline());
        assertEquals(ORIGINAL.seed(), r.seed());
        assertEquals(ORIGINAL.prompt(), r.prompt());
        assertEquals(ORIGINAL.metadata(), r.metadata());
        assertEquals(ORIGINAL.priority(), r.priority());
        assertTrue(overrides.changesImages());
    }

    @Test
    void filtersByJobIdAndEveryMetadataEntry() {
        assertTrue(new ReplayFilter(Set.of("orig-1", "x"), Map.of()).matches(ORIGINAL));
        assertTrue(!new ReplayFilter(Set.of("x"), Map.of()).matches(ORIGINAL));
        assertTrue(new ReplayFilter(Set.of(), Map.of("tenant", "acme")).matches(ORIGINAL));
        assertTrue(!new ReplayFilter(Set.of(), Map.of("tenant", "acme", "run", "8")).matches(ORIGINAL));
        assertTrue(!new ReplayFilter(Set.of(), Map.of("absent", "")).matches(ORIGINAL));
        assertInstanceOf(ReplayPlanner.NotChosen.class,
                planner(new ReplayFilter(Set.of("x"), Map.of()), ReplayOverrides.NONE).plan(0, 0, "k", bytes(ORIGINAL)));
    }

    @Test
    void undecodableRecordsAreSkippedWithTheDecodersReason() {
        ReplayPlanner p = planner(ReplayFilter.ALL, ReplayOverrides.NONE);
        ReplayReport.SkippedRecord bad = assertInstanceOf(ReplayPlanner.Skip.class,
                p.plan(2, 9, "k", "{\"prompt\":".getBytes(StandardCharsets.UTF_8))).record();
        assertEquals(2, bad.partition());
        assertEquals(9, bad.offset());
        assertTrue(bad.reason().startsWith("MALFORMED_JSON"), bad.reason());
        ReplayReport.SkippedRecord empty = assertInstanceOf(ReplayPlanner.Skip.class, p.plan(0, 1, null, null)).record();
        assertTrue(empty.reason().startsWith("EMPTY_RECORD"), empty.reason());
        ReplayReport.SkippedRecord wide = assertInstanceOf(ReplayPlanner.Skip.class, p.plan(0, 2, null,
                "{\"prompt\":\"p\",\"jobId\":\"j\",\"seed\":1,\"width\":500}".getBytes(StandardCharsets.UTF_8))).record();
        assertTrue(wide.reason().contains("width"), wide.reason());
    }

    @Test
    void recordsWithoutJobIdOrSeedAreSkippedAsAWorkerWould() {
        ReplayPlanner p = planner(ReplayFilter.ALL, ReplayOverrides.NONE);
        ReplayReport.SkippedRecord noSeed = assertInstanceOf(ReplayPlanner.Skip.class, p.plan(0, 0, "j",
                "{\"prompt\":\"p\",\"jobId\":\"j\"}".getBytes(StandardCharsets.UTF_8))).record();
        assertTrue(noSeed.reason().contains("seed"), noSeed.reason());
        ReplayReport.SkippedRecord noId = assertInstanceOf(ReplayPlanner.Skip.class, p.plan(0, 1, null,
                "{\"prompt\":\"p\",\"seed\":3}".getBytes(StandardCharsets.UTF_8))).record();
        assertTrue(noId.reason().contains("jobId"), noId.reason());
    }

    @Test
    void invalidOverridesAreFoundWithoutARecord() {
        List<Violation> v = new ReplayOverrides(0, null, 500, 500, 31.0, null, null).violations();
        assertEquals(List.of("width", "height", "steps", "guidanceScale"), v.stream().map(Violation::field).toList());
        assertThrows(io.sdfleet.common.InvalidRequestException.class,
                () -> new ReplayOverrides(null, null, 500, 512, null, null, null).requireValid());
        assertEquals(List.of(), ReplayOverrides.NONE.violations());
        assertTrue(!ReplayOverrides.NONE.changesImages());
        assertNull(ReplayOverrides.NONE.apply(ORIGINAL).deadline());
        assertNotEquals(ORIGINAL, ReplayOverrides.NONE.apply(ORIGINAL));
    }

    @Test
    void widthAndHeightGoTogether() {
        assertThrows(InvalidReplaySpecException.class, () -> new ReplayOverrides(null, null, 512, null, null, null, null));
    }
}
