package io.sdfleet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validator on records built in code (the producer's path, before anything is encoded). */
class RequestValidatorTest {

    private static List<String> fields(List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }

    @Test
    void builderDefaultsAreValidAndBoundsAreInclusive() {
        assertEquals(List.of(), RequestValidator.validate(JobRequest.builder("a").build()));
        JobRequest low = JobRequest.builder("a").size(JobRequestLimits.MIN_SIZE, JobRequestLimits.MIN_SIZE)
                .steps(JobRequestLimits.MIN_STEPS).guidanceScale(JobRequestLimits.MIN_GUIDANCE_SCALE)
                .seed(JobRequestLimits.MIN_SEED).numImages(JobRequestLimits.MIN_NUM_IMAGES)
                .priority(JobRequestLimits.MIN_PRIORITY).build();
        JobRequest high = JobRequest.builder("p".repeat(JobRequestLimits.MAX_PROMPT_CHARS))
                .size(JobRequestLimits.MAX_SIZE, JobRequestLimits.MAX_SIZE).steps(JobRequestLimits.MAX_STEPS)
                .guidanceScale(JobRequestLimits.MAX_GUIDANCE_SCALE).seed(JobRequestLimits.MAX_SEED)
                .numImages(JobRequestLimits.MAX_NUM_IMAGES).priority(JobRequestLimits.MAX_PRIORITY)
                .jobId("j".repeat(JobRequestLimits.MAX_JOB_ID_CHARS)).build();
        assertEquals(List.of(), RequestValidator.validate(low));
        assertEquals(List.of(), RequestValidator.validate(high));
    }

    @Test
    void everyViolatedFieldIsListedInComponentOrder() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("k", null);
        JobRequest r = new JobRequest("sdfleet.job/v3", "a b", null, null, 500, 4000, 0, Double.NaN, null, -1L, 9,
                " ", 10, null, metadata, "x/y", new ObjectReference("inputs//a.png", "0".repeat(64)),
                new ObjectReference("inputs/m.png", "ABC"), 2.0);
        List<Violation> v = RequestValidator.validate(r);
        assertEquals(List.of("schema", "jobId", "prompt", "negativePrompt", "width", "height", "steps",
                "guidanceScale", "scheduler", "seed", "numImages", "model", "priority", "metadata.k",
                "regenerationOf", "initImage", "maskImage", "strength"), fields(v));
        assertTrue(v.get(4).message().contains("500 is not a multiple of 8 (nearest allowed: 496 or 504)"), v.toString());
        assertEquals("width: 500 is not a multiple of 8 (nearest allowed: 496 or 504)", v.get(4).toString());
    }

    @Test
    void workersAlsoNeedJobIdAndSeed() {
        JobRequest r = JobRequest.builder("a").build();
        assertEquals(List.of("jobId", "seed"), fields(RequestValidator.validateForWorker(r)));
        assertEquals(List.of(), RequestValidator.validateForWorker(r.withJobId("j").withSeed(1)));
    }

    @Test
    void requireValidThrowsWithEveryViolation() {
        JobRequest r = JobRequest.builder("a").jobId("j-1").steps(0).width(12).build();
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestValidator.requireValid(r));
        assertEquals(FailureReason.INVALID_FIELDS, e.reason());
        assertEquals(List.of("width", "steps"), fields(e.violations()));
        assertEquals("j-1", e.jobId().orElseThrow());
    }

    @Test
    void metadataIsCopiedAndUnmodifiable() {
        Map<String, String> m = new HashMap<>(Map.of("a", "b"));
        JobRequest r = JobRequest.builder("x").metadata(m).build();
        m.put("c", "d");
        assertEquals(Map.of("a", "b"), r.metadata());
        assertThrows(UnsupportedOperationException.class, () -> r.metadata().put("e", "f"));
    }
}
