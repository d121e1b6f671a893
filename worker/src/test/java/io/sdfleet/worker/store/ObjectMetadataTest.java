package io.sdfleet.worker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectMetadataTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @ParameterizedTest
    @ValueSource(strings = {"a cat", "seed=42, steps=20", "", "x", "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"})
    void printableAsciiIsSentAsIs(String value) {
        assertEquals(value, ObjectMetadata.encodeValue(value));
        assertEquals(value, ObjectMetadata.decodeValue(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ein Hund im Schnee, Öl auf Leinwand", "富士山の夕焼け", "🐱 astronaut", " leading",
            "trailing ", "=?UTF-8?B?looks encoded?=", "=?x", "tab\there", "line\nbreak", "\u0000nul", "\u007f"})
    void otherValuesRoundTripAsAsciiEncodedWords(String value) {
        String wire = ObjectMetadata.encodeValue(value);
        assertPrintableAscii(wire);
        assertTrue(wire.startsWith("=?UTF-8?B?") && wire.endsWith("?="), wire);
        assertEquals(value, ObjectMetadata.decodeValue(wire));
    }

    @Test
    void decodesTheQFormAndOtherCharsets() {
        assertEquals("café au lait", ObjectMetadata.decodeValue("=?UTF-8?Q?caf=C3=A9_au_lait?="));
        assertEquals("café", ObjectMetadata.decodeValue("=?ISO-8859-1?Q?caf=E9?="));
        assertEquals("café", ObjectMetadata.decodeValue("=?utf-8?b?Y2Fmw6k=?="));
    }

    @Test
    void leavesBrokenEncodedWordsAlone() {
        for (String wire : List.of("=?UTF-8?B?***?=", "=?no-such-charset?B?YQ==?=", "=?UTF-8?Q?bad=Z?=",
                "=?UTF-8?Q?cut=C?=")) {
            assertEquals(wire, ObjectMetadata.decodeValue(wire));
        }
    }

    @Test
    void smallMetadataIsUnchangedAndOrdered() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(ObjectMetadata.SHA256_KEY, SHA);
        in.put("job-id", "job-1");
        in.put("prompt", "富士山");
        Map<String, String> wire = ObjectMetadata.encode(in);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(wire.keySet()));
        assertEquals(in, ObjectMetadata.decode(wire));
    }

    @Test
    void largeMetadataIsTruncatedLongestFirstToFitTwoKilobytes() {
        String prompt = "富士山の夕焼け、油絵、".repeat(150); // ~4.5 KB of UTF-8 before base64
        String params = "{\"steps\":20,\"guidance\":7.5,\"scheduler\":\"euler\"," + "\"x\":1,".repeat(60) + "}";
        Map<String, String> in = new LinkedHashMap<>();
        in.put(ObjectMetadata.SHA256_KEY, SHA);
        in.put("job-id", "job-1");
        in.put("prompt", prompt);
        in.put("params", params);
        Map<String, String> wire = ObjectMetadata.encode(in);

        assertTrue(wireSize(wire) <= ObjectMetadata.MAX_BYTES, "size " + wireSize(wire));
        wire.values().forEach(ObjectMetadataTest::assertPrintableAscii);
        Map<String, String> back = ObjectMetadata.decode(wire);
        assertEquals(SHA, back.get(ObjectMetadata.SHA256_KEY));
        assertEquals("job-1", back.get("job-id"));
        assertEquals(params, back.get("params"), "the shorter value was not touched");
        String shortened = back.get("prompt");
        assertTrue(shortened.endsWith(ObjectMetadata.TRUNCATION_MARKER), shortened);
        String kept = shortened.substring(0, shortened.length() - ObjectMetadata.TRUNCATION_MARKER.length());
        assertTrue(prompt.startsWith(kept) && kept.length() > 100, "kept a prefix: " + kept.length() + " chars");
        // As much as fits: one more character would not.
        String oneMore = prompt.substring(0, prompt.offsetByCodePoints(kept.length(), 1));
        Map<String, String> bigger = new LinkedHashMap<>(wire);
        bigger.put("prompt", ObjectMetadata.encodeValue(oneMore + ObjectMetadata.TRUNCATION_MARKER));
        assertTrue(wireSize(bigger) > ObjectMetadata.MAX_BYTES);
    }

    @Test
    void twoLongValuesAreBothShortenedWhenNeeded() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("prompt", "a".repeat(3000));
        in.put("negative-prompt", "b".repeat(2900));
        Map<String, String> wire = ObjectMetadata.encode(in);
        assertTrue(wireSize(wire) <= ObjectMetadata.MAX_BYTES);
        assertTrue(wire.get("prompt").endsWith(ObjectMetadata.TRUNCATION_MARKER));
        assertTrue(wire.get("negative-prompt").endsWith(ObjectMetadata.TRUNCATION_MARKER));
    }

    @Test
    void sha256IsNeverShortened() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(ObjectMetadata.SHA256_KEY, SHA);
        in.put("prompt", "p".repeat(5000));
        assertEquals(SHA, ObjectMetadata.encode(in).get(ObjectMetadata.SHA256_KEY));
    }

    @Test
    void refusesWhatCannotFit() {
        Map<String, String> in = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            in.put("key-" + i, "value-" + i);
        }
        assertThrows(IllegalArgumentException.class, () -> ObjectMetadata.encode(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prompt", "job_id", "", "-x", "with space", "ü", "a.b"})
    void refusesKeysThatDoNotRoundTrip(String key) {
        assertThrows(IllegalArgumentException.class, () -> ObjectMetadata.encode(Map.of(key, "v")));
    }

    private static int wireSize(Map<String, String> wire) {
        return wire.entrySet().stream().mapToInt(e -> ("x-amz-meta-" + e.getKey() + e.getValue())
                .getBytes(StandardCharsets.UTF_8).length).sum();
    }

    private static void assertPrintableAscii(String wire) {
        for (char c : wire.toCharArray()) {
            assertTrue(c >= 0x20 && c <= 0x7e, "not printable ASCII: " + (int) c + " in " + wire);
        }
    }
}
