package io.sdfleet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Encode → decode gives the same record; defaults, unknown fields and minor versions behave as documented. */
class JobCodecRoundTripTest {

    private final JobCodec codec = JobCodec.shared();

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    static JobRequest fullRequest() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("team", "design");
        metadata.put("ticket", "PX-42");
        metadata.put("note", "ünïcødé 🦊 \"quoted\"");
        return JobRequest.builder("a red fox in the snow, 35mm")
                .jobId("job-2030.01:31_a")
                .negativePrompt("blurry")
                .size(768, 512)
                .steps(25)
                .guidanceScale(6.25)
                .scheduler(SchedulerName.DPMPP_2M_KARRAS)
                .seed(JobRequestLimits.MAX_SEED)
                .numImages(4)
                .model("sd-1.5/fp16")
                .priority(9)
                .deadline(Instant.parse("2030-01-31T12:00:00.123456789Z"))
                .metadata(metadata)
                .regenerationOf("job-2030.01:30")
                .build();
    }

    @Test
    void requestWithEveryFieldRoundTrips() {
        JobRequest r = fullRequest();
        assertEquals(List.of(), RequestValidator.validate(r));
        assertEquals(r, codec.decodeRequest(codec.encode(r)));
    }

    @Test
    void minimalRequestRoundTripsAndOmitsNulls() {
        JobRequest r = JobRequest.builder("a cat").build();
        String text = new String(codec.encode(r), StandardCharsets.UTF_8);
        assertFalse(text.contains("null"), text);
        assertFalse(text.contains("\"seed\""), text);
        assertFalse(text.contains("\"jobId\""), text);
        assertTrue(text.contains("\"scheduler\":\"pndm\""), text);
        assertTrue(text.contains("\"schema\":\"sdfleet.job/v1\""), text);
        assertEquals(r, codec.decodeRequest(codec.encode(r)));
    }

    @Test
    void instantsAreIso8601Strings() {
        String text = new String(codec.encode(fullRequest()), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"deadline\":\"2030-01-31T12:00:00.123456789Z\""), text);
    }

    @Test
    void defaultsAreAppliedToAbsentAndNullFields() {
        JobRequest expected = JobRequest.builder("a cat").build();
        assertEquals(expected, codec.decodeRequest(json("{'prompt':'a cat'}")));
        assertEquals(expected, codec.decodeRequest(json("{'prompt':'a cat','width':null,'steps':null,'seed':null,"
                + "'scheduler':null,'metadata':null,'negativePrompt':null,'schema':null}")));
        assertEquals(JobRequestLimits.DEFAULT_WIDTH, expected.width());
        assertEquals(JobRequestLimits.DEFAULT_HEIGHT, expected.height());
        assertEquals(JobRequestLimits.DEFAULT_STEPS, expected.steps());
        assertEquals(JobRequestLimits.DEFAULT_GUIDANCE_SCALE, expected.guidanceScale());
        assertEquals(JobRequestLimits.DEFAULT_SCHEDULER, expected.scheduler());
        assertEquals(JobRequestLimits.DEFAULT_NUM_IMAGES, expected.numImages());
        assertEquals(JobRequestLimits.DEFAULT_PRIORITY, expected.priority());
        assertEquals("", expected.negativePrompt());
        assertEquals(Map.of(), expected.metadata());
    }

    @Test
    void deadlinesWithAnOffsetAreReadAsInstants() {
        JobRequest r = codec.decodeRequest(json("{'prompt':'a','deadline':'2030-01-31T14:00:00+02:00'}"));
        assertEquals(Instant.parse("2030-01-31T12:00:00Z"), r.deadline());
    }

    @Test
    void unknownFieldsAreIgnored() {
        JobRequest r = codec.decodeRequest(json("{'prompt':'a cat','colour':'blue','future':{'x':[1,2,{'y':null}]},"
                + "'loraWeights':[0.5,0.7],'width':640}"));
        assertEquals(JobRequest.builder("a cat").width(640).build(), r);
    }

    @Test
    void anyMinorOfV1IsReadAndNormalizedToV1() {
        JobRequest r = codec.decodeRequest(json("{'schema':'sdfleet.job/v1.3','prompt':'a cat','newField':1}"));
        assertEquals(JobRequest.SCHEMA, r.schema());
        assertEquals(JobRequest.builder("a cat").build(), r);
    }

    @Test
    void wholeNumbersWrittenAsDecimalsAreAccepted() {
        JobRequest r = codec.decodeRequest(json("{'prompt':'a','width':512.0,'seed':4.2e1,'guidanceScale':7}"));
        assertEquals(512, r.width());
        assertEquals(42L, r.seed());
        assertEquals(7.0, r.guidanceScale());
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void everySchedulerRoundTripsByWireName(SchedulerName s) {
        JobRequest r = JobRequest.builder("a").scheduler(s).build();
        assertTrue(new String(codec.encode(r), StandardCharsets.UTF_8).contains("\"" + s.wireName() + "\""));
        assertEquals(r, codec.decodeRequest(codec.encode(r)));
        assertEquals(s, SchedulerName.fromWireName(" " + s.wireName().toUpperCase() + " ").orElseThrow());
    }

    @Test
    void withersChangeOneField() {
        JobRequest r = JobRequest.builder("a").build();
        assertEquals("j1", r.withJobId("j1").jobId());
        assertEquals(7L, r.withSeed(7).seed());
        assertEquals("j0", r.withRegenerationOf("j0").regenerationOf());
        assertEquals(r, r.withJobId("j1").withJobId(null));
    }

    @Test
    void succeededCompletionRoundTrips() {
        JobRequest request = fullRequest();
        Completion c = Completion.succeeded(request,
                List.of(new ImageRef("images", "out/" + request.jobId() + "/0.png", "http://s3/x?sig=1", 768, 512,
                        request.seed(), "ab".repeat(32))),
                "worker-1", 3, Map.of(Stage.DENOISE.key(), 1234.5, Stage.TOTAL.key(), 1500.0), "sd-1.5/fp16",
                "onnxruntime-1.21.1/cpu", List.of("prompt truncated: 12 of 87 tokens cut"),
                Instant.parse("2030-01-31T12:00:01Z"));
        Completion back = codec.decodeCompletion(codec.encode(c));
        assertEquals(c, back);
        assertEquals(request, back.request());
        assertFalse(new String(codec.encode(c), StandardCharsets.UTF_8).contains("\"error\""));
    }

    @Test
    void inpaintingRequestIsWrittenAsV2AndRoundTripsWithItsReferences() {
        ObjectReference init = ObjectReference.of("inputs/photo.png", new byte[] {1, 2, 3});
        ObjectReference mask = ObjectReference.of("inputs/mask.png", new byte[] {4});
        JobRequest r = fullRequest().toBuilder().schema(null).initImage(init).maskImage(mask).strength(0.6).build();
        assertEquals(JobRequest.SCHEMA_WITH_IMAGES, r.schema());
        assertEquals(JobRequest.Mode.INPAINT, r.mode());
        assertEquals(List.of(), RequestValidator.validate(r));
        String text = new String(codec.encode(r), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"initImage\":{\"key\":\"inputs/photo.png\",\"sha256\":\"" + init.sha256() + "\"}"),
                text);
        assertEquals(r, codec.decodeRequest(codec.encode(r)));
        // 25 steps at 0.6: int(15.0) = 15 steps run, echoed by the completion.
        Completion c = Completion.succeeded(r, List.of(), "w", 1, Map.of(), "m", "rt", List.of(),
                Instant.parse("2030-01-31T12:00:01Z"));
        assertEquals(15, c.stepsRun());
        assertEquals(c, codec.decodeCompletion(codec.encode(c)));
    }

    @Test
    void img2imgStrengthDefaultsToDiffusersDefaultAndTxt2imgRunsEveryStep() {
        JobRequest txt = fullRequest();
        assertEquals(JobRequest.Mode.TXT2IMG, txt.mode());
        assertEquals(25, txt.stepsRun());
        JobRequest img = txt.toBuilder().schema(null).initImage(ObjectReference.of("inputs/a.jpg", new byte[1]))
                .build();
        assertEquals(JobRequest.Mode.IMG2IMG, img.mode());
        assertEquals(0.8, img.effectiveStrength());
        assertEquals(20, img.stepsRun());
        assertEquals(7, RequestValidator.stepsRun(25, 0.3)); // int(7.5), as Python's int()
    }

    @Test
    void failedAndExpiredCompletionsRoundTrip() {
        JobRequest request = fullRequest();
        Completion failed = Completion.failed(request, new ErrorInfo("MODEL_NOT_FOUND", "no model sd-1.5/fp16"),
                "worker-2", 1, Map.of(), null, null, List.of(), Instant.parse("2030-01-31T12:00:02Z"));
        assertEquals(failed, codec.decodeCompletion(codec.encode(failed)));
        Completion expired = Completion.expired(request, "worker-3", Map.of(Stage.QUEUE.key(), 9000.0),
                Instant.parse("2030-01-31T12:00:03Z"));
        assertEquals(CompletionStatus.EXPIRED, expired.status());
        assertEquals(Completion.EXPIRED_CODE, expired.error().code());
        assertEquals(expired, codec.decodeCompletion(codec.encode(expired)));
    }

    @Test
    void failureEventRoundTrips() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> codec.decodeRequest(json("{'jobId':'j-9','prompt':'a','width':500,'steps':0}")));
        FailureEvent f = FailureEvent.of(e, "sd.requests", 2, 41L, "worker-1", Instant.parse("2030-01-31T12:00:04Z"));
        assertEquals("j-9", f.jobId());
        assertEquals(FailureReason.INVALID_FIELDS, f.reason());
        assertEquals(2, f.violations().size());
        assertEquals(f, codec.decodeFailure(codec.encode(f)));
    }

    @Test
    void eventsWithAnotherMajorOrWrongTypesAreRefused() {
        InvalidRecordException schema = assertThrows(InvalidRecordException.class,
                () -> codec.decodeCompletion(json("{'schema':'sdfleet.completion/v2','jobId':'a'}")));
        assertEquals(FailureReason.UNSUPPORTED_SCHEMA, schema.reason());

        InvalidRecordException types = assertThrows(InvalidRecordException.class, () -> codec.decodeCompletion(
                json("{'jobId':'a','status':'DONE','batchSize':1,'request':{'prompt':5}}")));
        assertEquals(FailureReason.INVALID_FIELDS, types.reason());
        assertEquals(List.of("request.prompt", "status"), types.violations().stream().map(Violation::field).toList(),
                types.getMessage());

        InvalidRecordException instant = assertThrows(InvalidRecordException.class,
                () -> codec.decodeFailure(json("{'reason':'EMPTY_RECORD','at':'yesterday'}")));
        assertEquals(List.of("at"), instant.violations().stream().map(Violation::field).toList());

        assertEquals(FailureReason.NOT_A_JSON_OBJECT,
                assertThrows(InvalidRecordException.class, () -> codec.decodeFailure(json("[]"))).reason());
    }
}
