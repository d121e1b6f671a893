package io.sdfleet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table of bad inputs: each names the reason the codec must give and, for every violated field, a fragment
 * of the message. The set of violated fields must match exactly, so a case also fails when the codec
 * reports too much (e.g. the same field twice) or stops at the first problem.
 */
class JobCodecRejectsTest {

    private final JobCodec codec = JobCodec.shared();

    /** One bad input. {@code expected} maps each violated field to a fragment of its message. */
    record BadCase(String name, byte[] bytes, FailureReason reason, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static BadCase bad(String name, byte[] bytes, FailureReason reason, String... fieldFragmentPairs) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < fieldFragmentPairs.length; i += 2) {
            expected.put(fieldFragmentPairs[i], fieldFragmentPairs[i + 1]);
        }
        return new BadCase(name, bytes, reason, expected);
    }

    private static BadCase bad(String name, String json, FailureReason reason, String... fieldFragmentPairs) {
        return bad(name, utf8(json.replace('\'', '"')), reason, fieldFragmentPairs);
    }

    /** A request with a valid prompt plus the given fields (JSON members, single quotes for double). */
    private static BadCase fields(String name, String members, String... fieldFragmentPairs) {
        return bad(name, "{'prompt':'a red fox', " + members + "}", FailureReason.INVALID_FIELDS,
                fieldFragmentPairs);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = utf8(before);
        byte[] c = utf8(after);
        byte[] out = Arrays.copyOf(a, a.length + middle.length + c.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    private static String metadataWith(int entries) {
        return IntStream.range(0, entries).mapToObj(i -> "'k" + i + "':'v'").collect(Collectors.joining(",", "{", "}"));
    }

    static Stream<BadCase> badInputs() {
        String r = "$";
        return Stream.of(
                // bytes
                bad("null value (tombstone)", (byte[]) null, FailureReason.EMPTY_RECORD, r, "no value"),
                bad("empty body", new byte[0], FailureReason.EMPTY_RECORD, r, "no value"),
                bad("only white space", " \n\t ", FailureReason.EMPTY_RECORD, r, "white space"),
                bad("10 MB prompt", "{'prompt':'" + "a".repeat(10 * 1024 * 1024) + "'}",
                        FailureReason.RECORD_TOO_LARGE, r, "at most " + JobRequestLimits.MAX_RECORD_BYTES),
                bad("one byte over the record cap", new byte[JobRequestLimits.MAX_RECORD_BYTES + 1],
                        FailureReason.RECORD_TOO_LARGE, r, (JobRequestLimits.MAX_RECORD_BYTES + 1) + " bytes"),
                bad("invalid UTF-8 continuation", concat("{\"prompt\":\"caf", new byte[] {(byte) 0xC3, 0x28}, "\"}"),
                        FailureReason.NOT_UTF8, r, "not valid UTF-8"),
                bad("overlong UTF-8 encoding of '/'", concat("{\"prompt\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF},
                        "\"}"), FailureReason.NOT_UTF8, r, "not valid UTF-8"),
                bad("UTF-8 encoded surrogate", concat("{\"prompt\":\"", new byte[] {(byte) 0xED, (byte) 0xA0,
                        (byte) 0x80}, "\"}"), FailureReason.NOT_UTF8, r, "not valid UTF-8"),
                bad("Latin-1 text", concat("{\"prompt\":\"", new byte[] {(byte) 0xE9}, "\"}"),
                        FailureReason.NOT_UTF8, r, "near byte"),
                // JSON syntax
                bad("truncated JSON", "{'prompt':'a red fox','width':5", FailureReason.MALFORMED_JSON, r, "not valid JSON"),
                bad("trailing garbage", "{'prompt':'a red fox'} garbage", FailureReason.MALFORMED_JSON, r, "not valid JSON"),
                bad("two objects", "{'prompt':'a'} {'prompt':'b'}", FailureReason.MALFORMED_JSON, r, "not valid JSON"),
                bad("duplicate key", "{'prompt':'a','prompt':'b'}", FailureReason.MALFORMED_JSON, r, "prompt"),
                bad("backtick-quoted key", "{`prompt`:1}", FailureReason.MALFORMED_JSON,
                        r, "not valid JSON"),
                // not an object
                bad("top-level array", "[{'prompt':'a'}]", FailureReason.NOT_A_JSON_OBJECT, r, "got an array"),
                bad("top-level string", "'a red fox'", FailureReason.NOT_A_JSON_OBJECT, r, "got a string"),
                bad("top-level number", "42", FailureReason.NOT_A_JSON_OBJECT, r, "got a number 42"),
                bad("top-level null", "null", FailureReason.NOT_A_JSON_OBJECT, r, "got null"),
                bad("top-level boolean", "true", FailureReason.NOT_A_JSON_OBJECT, r, "got a boolean"),
                // schema
                bad("schema major 3", "{'schema':'sdfleet.job/v3','prompt':'a'}", FailureReason.UNSUPPORTED_SCHEMA,
                        "schema", "major version 3"),
                bad("schema major 3 with minor", "{'schema':'sdfleet.job/v3.0','prompt':'a'}",
                        FailureReason.UNSUPPORTED_SCHEMA, "schema", "major version 3"),
                // pictures (img2img and inpainting: schema v2)
                bad("v2 without a picture", "{'schema':'sdfleet.job/v2','prompt':'a'}", FailureReason.INVALID_FIELDS,
                        "initImage", "is required in sdfleet.job/v2"),
                bad("v1 with a picture (an older reader would run it from noise)", "{'prompt':'a','initImage':"
                        + "{'key':'inputs/a.png','sha256':'" + "0".repeat(64) + "'}}", FailureReason.INVALID_FIELDS,
                        "schema", "write sdfleet.job/v2"),
                bad("initImage not an object", "{'schema':'sdfleet.job/v2','prompt':'a','initImage':'inputs/a.png'}",
                        FailureReason.INVALID_FIELDS, "initImage", "expected an object"),
                bad("initImage key with '..'", "{'schema':'sdfleet.job/v2','prompt':'a','initImage':"
                        + "{'key':'inputs/../images/j/0.png','sha256':'" + "0".repeat(64) + "'}}",
                        FailureReason.INVALID_FIELDS, "initImage", "starting with '.'"),
                bad("initImage without sha256", "{'schema':'sdfleet.job/v2','prompt':'a','initImage':"
                        + "{'key':'inputs/a.png'}}", FailureReason.INVALID_FIELDS, "initImage", "sha256 is required"),
                bad("sha256 in upper case", "{'schema':'sdfleet.job/v2','prompt':'a','initImage':"
                        + "{'key':'inputs/a.png','sha256':'" + "A".repeat(64) + "'}}", FailureReason.INVALID_FIELDS,
                        "initImage", "64 lower-case hex"),
                bad("mask without a picture", "{'schema':'sdfleet.job/v2','prompt':'a','maskImage':"
                        + "{'key':'inputs/m.png','sha256':'" + "0".repeat(64) + "'}}", FailureReason.INVALID_FIELDS,
                        "maskImage", "needs initImage"),
                bad("strength above 1", "{'schema':'sdfleet.job/v2','prompt':'a','strength':1.5,'initImage':"
                        + "{'key':'inputs/a.png','sha256':'" + "0".repeat(64) + "'}}", FailureReason.INVALID_FIELDS,
                        "strength", "out of range"),
                bad("strength so small that no step runs", "{'schema':'sdfleet.job/v2','prompt':'a','steps':30,"
                        + "'strength':0.03,'initImage':{'key':'inputs/a.png','sha256':'" + "0".repeat(64) + "'}}",
                        FailureReason.INVALID_FIELDS, "strength", "runs no denoising step (int(30 x 0.03) = 0)"),
                bad("strength as a string", "{'schema':'sdfleet.job/v2','prompt':'a','strength':'0.5','initImage':"
                        + "{'key':'inputs/a.png','sha256':'" + "0".repeat(64) + "'}}", FailureReason.INVALID_FIELDS,
                        "strength", "expected a number"),
                bad("schema not of the form", "{'schema':'job-v1','prompt':'a'}", FailureReason.UNSUPPORTED_SCHEMA,
                        "schema", "not a schema id of the form sdfleet.job/v<major>"),
                bad("schema of another record type", "{'schema':'sdfleet.completion/v1','prompt':'a'}",
                        FailureReason.UNSUPPORTED_SCHEMA, "schema", "not a schema id"),
                bad("schema a number", "{'schema':1,'prompt':'a'}", FailureReason.UNSUPPORTED_SCHEMA,
                        "schema", "expected a string"),
                // field types and ranges
                fields("width a string", "'width':'big'", "width", "expected a whole number, got a string \"big\""),
                fields("steps a fraction", "'steps':1.5", "steps", "1.5 is not a whole number"),
                fields("seed negative", "'seed':-1", "seed", "-1 is out of range [0, 4294967295]"),
                fields("seed 2^32", "'seed':4294967296", "seed", "4294967296 is out of range [0, 4294967295]"),
                fields("seed 1e30", "'seed':1e30", "seed", "is out of range [0, 4294967295]"),
                fields("seed beyond long", "'seed':123456789012345678901234567890", "seed", "out of range"),
                fields("seed a boolean", "'seed':true", "seed", "expected a whole number, got a boolean"),
                fields("guidanceScale NaN token", "'guidanceScale':NaN", "guidanceScale", "NaN is not a finite number"),
                fields("guidanceScale \"NaN\" string", "'guidanceScale':'NaN'", "guidanceScale",
                        "expected a number, got a string \"NaN\""),
                fields("guidanceScale Infinity", "'guidanceScale':Infinity", "guidanceScale", "is not a finite number"),
                fields("guidanceScale -Infinity", "'guidanceScale':-Infinity", "guidanceScale", "is not a finite number"),
                fields("guidanceScale beyond double", "'guidanceScale':1e400", "guidanceScale", "out of range [0, 30]"),
                fields("guidanceScale 31", "'guidanceScale':31", "guidanceScale", "31 is out of range [0, 30]"),
                bad("prompt null", "{'prompt':null}", FailureReason.INVALID_FIELDS, "prompt", "is required"),
                bad("prompt missing", "{'width':512}", FailureReason.INVALID_FIELDS, "prompt", "is required"),
                bad("prompt blank", "{'prompt':'   '}", FailureReason.INVALID_FIELDS, "prompt", "must not be blank"),
                bad("prompt an array", "{'prompt':['a','b']}", FailureReason.INVALID_FIELDS, "prompt",
                        "expected a string, got an array"),
                bad("prompt over 4000 characters", "{'prompt':'" + "b".repeat(4001) + "'}",
                        FailureReason.INVALID_FIELDS, "prompt", "is 4001 characters long; at most 4000 allowed"),
                bad("prompt over 4000 code points (emoji)", "{'prompt':'" + "\uD83E\uDD8A".repeat(4001) + "'}",
                        FailureReason.INVALID_FIELDS, "prompt", "is 4001 characters long"),
                fields("negativePrompt too long", "'negativePrompt':'" + "n".repeat(4001) + "'",
                        "negativePrompt", "at most 4000"),
                fields("negativePrompt a number", "'negativePrompt':7", "negativePrompt", "expected a string"),
                fields("width 1e12", "'width':1e12", "width", "1000000000000 is out of range [64, 2048]"),
                fields("width beyond int", "'width':1000000000000", "width", "1000000000000 is out of range [64, 2048]"),
                fields("width negative", "'width':-512", "width", "-512 is out of range [64, 2048]"),
                fields("width too small", "'width':32", "width", "32 is out of range [64, 2048]"),
                fields("height not a multiple of 8", "'height':500", "height", "500 is not a multiple of 8"),
                fields("steps 0", "'steps':0", "steps", "0 is out of range [1, 150]"),
                fields("steps 151", "'steps':151", "steps", "151 is out of range [1, 150]"),
                fields("numImages 0", "'numImages':0", "numImages", "0 is out of range [1, 8]"),
                fields("numImages 9", "'numImages':9", "numImages", "9 is out of range [1, 8]"),
                fields("priority 10", "'priority':10", "priority", "10 is out of range [0, 9]"),
                fields("priority an object", "'priority':{'level':1}", "priority", "got an object"),
                fields("scheduler unknown", "'scheduler':'karras-magic'", "scheduler", "is not a known scheduler; one of pndm"),
                fields("scheduler a number", "'scheduler':3", "scheduler", "expected a string"),
                fields("jobId with a slash", "'jobId':'a/b'", "jobId", "contains '/'"),
                fields("jobId empty", "'jobId':''", "jobId", "must not be empty"),
                fields("jobId too long", "'jobId':'" + "j".repeat(129) + "'", "jobId", "at most 128"),
                fields("regenerationOf with a space", "'regenerationOf':'job 1'", "regenerationOf", "contains ' '"),
                fields("model blank", "'model':''", "model", "must not be blank"),
                fields("deadline not ISO-8601", "'deadline':'tomorrow'", "deadline", "is not an ISO-8601 instant"),
                fields("deadline epoch millis", "'deadline':1767225600000", "deadline", "expected an ISO-8601 instant"),
                fields("metadata an array", "'metadata':['a','b']", "metadata", "expected an object of string values"),
                fields("metadata a string", "'metadata':'team=x'", "metadata", "expected an object"),
                fields("metadata nested junk", "'metadata':{'ok':'yes','deep':{'a':[1,{'b':null}]}}",
                        "metadata.deep", "expected a string value, got an object"),
                fields("metadata values not strings", "'metadata':{'n':5,'b':false,'z':null,'a':[]}",
                        "metadata.n", "got a number 5", "metadata.b", "got a boolean",
                        "metadata.z", "got null", "metadata.a", "got an array"),
                fields("metadata too many entries", "'metadata':" + metadataWith(33), "metadata", "has 33 entries"),
                fields("metadata key too long", "'metadata':{'" + "k".repeat(65) + "':'v'}",
                        "metadata." + "k".repeat(64) + "...", "key is 65 characters long"),
                fields("metadata empty key", "'metadata':{'':'v'}", "metadata", "empty key"),
                fields("metadata value too long", "'metadata':{'k':'" + "v".repeat(1025) + "'}",
                        "metadata.k", "value is 1025 characters long; at most 1024"),
                // several at once: every one is reported
                bad("every field wrong", "{'prompt':null,'width':'big','height':500,'steps':1.5,'seed':-1,"
                                + "'guidanceScale':NaN,'scheduler':'x','numImages':0,'priority':-1,'jobId':'a/b',"
                                + "'metadata':{'a':{}},'deadline':'soon','model':'  ','negativePrompt':[]}",
                        FailureReason.INVALID_FIELDS,
                        "prompt", "is required", "width", "got a string", "height", "not a multiple of 8",
                        "steps", "not a whole number", "seed", "out of range", "guidanceScale", "not a finite",
                        "scheduler", "not a known scheduler", "numImages", "out of range", "priority", "out of range",
                        "jobId", "contains '/'", "metadata.a", "got an object", "deadline", "not an ISO-8601",
                        "model", "must not be blank", "negativePrompt", "expected a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void refusesWithReasonAndEveryViolatedField(BadCase c) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> codec.decodeRequest(c.bytes()));

        assertEquals(c.reason(), e.reason(), () -> c.name() + ": " + e.getMessage());
        Map<String, List<String>> got = e.violations().stream().collect(Collectors.groupingBy(Violation::field,
                LinkedHashMap::new, Collectors.mapping(Violation::message, Collectors.toList())));
        assertEquals(c.expected().keySet(), got.keySet(), () -> "violated fields of " + c.name() + ": " + e.violations());
        c.expected().forEach((field, fragment) -> {
            assertEquals(1, got.get(field).size(), () -> field + " reported more than once: " + got.get(field));
            assertTrue(got.get(field).get(0).contains(fragment),
                    () -> field + ": expected a message containing [" + fragment + "], got [" + got.get(field).get(0) + "]");
        });
        assertFalse(e.getMessage().contains("com.fasterxml") || e.getMessage().contains("\tat "),
                () -> "message leaks parser internals: " + e.getMessage());
        assertTrue(e.getMessage().length() < 20_000, "message stays short even for huge input");
        assertTrue(e.getMessage().startsWith(c.reason().code()), e.getMessage());
    }

    @Test
    void violationsComeInFieldOrderWhateverFoundThem() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> codec.decodeRequest(
                utf8("{\"metadata\":{\"a\":1},\"height\":500,\"width\":\"x\",\"prompt\":null}")));
        assertEquals(List.of("prompt", "width", "height", "metadata.a"),
                e.violations().stream().map(Violation::field).toList());
    }

    @Test
    void malformedJsonMessageGivesThePositionWithoutParserInternals() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> codec.decodeRequest(utf8("{\"prompt\":\"a\"")));
        String message = e.violations().get(0).message();
        assertTrue(message.contains("line 1, column"), message);
        assertFalse(message.contains("Source") || message.contains("StreamReadFeature"), message);
    }

    @Test
    void keepsAWellFormedJobIdForTheFailureEvent() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> codec.decodeRequest(
                utf8("{\"jobId\":\"job-7\",\"prompt\":\"a\",\"width\":500}")));
        assertEquals(Optional.of("job-7"), e.jobId());

        InvalidRequestException schema = assertThrows(InvalidRequestException.class, () -> codec.decodeRequest(
                utf8("{\"schema\":\"sdfleet.job/v9\",\"jobId\":\"job-8\"}")));
        assertEquals(Optional.of("job-8"), schema.jobId());

        InvalidRequestException badId = assertThrows(InvalidRequestException.class, () -> codec.decodeRequest(
                utf8("{\"jobId\":\"../etc\",\"prompt\":\"a\"}")));
        assertEquals(Optional.empty(), badId.jobId());
    }
}
