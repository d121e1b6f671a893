package io.sdfleet.worker.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class A1111ParametersTest {

    /** A1111's own field pattern ({@code re_param_code} in modules/infotext_utils.py). */
    private static final Pattern A1111_FIELD =
            Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");

    @Test
    void formatsTheThreeLinesLikeA1111() {
        String text = A1111Parameters.format(new GenerationParameters("a castle on a hill, sunset",
                "blurry, lowres", 30, "euler-a", 7.5, 1234, 512, 512, "sd-v1-5"));
        assertEquals("a castle on a hill, sunset\n"
                + "Negative prompt: blurry, lowres\n"
                + "Steps: 30, Sampler: Euler a, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: sd-v1-5", text);
    }

    @Test
    void omitsEmptyNegativePromptAndModelAndWritesWholeCfgWithoutDecimals() {
        String text = A1111Parameters.format(new GenerationParameters("portrait", "", 20, "dpmpp-2m-karras",
                7.0, 4_294_967_295L, 768, 512, null));
        assertEquals("portrait\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 4294967295, "
                + "Size: 768x512", text);
    }

    @Test
    void quotesValuesWithSeparatorsAsJson() {
        String text = A1111Parameters.format(new GenerationParameters("p", null, 10, "ddim", 12.25, 1, 64, 64,
                "my: \"model\", v2"));
        assertEquals("p\nSteps: 10, Sampler: DDIM, CFG scale: 12.25, Seed: 1, Size: 64x64, "
                + "Model: \"my: \\\"model\\\", v2\"", text);
    }

    @Test
    void everySchedulerHasItsA1111Name() {
        Map<String, String> expected = Map.of("pndm", "PLMS", "ddim", "DDIM", "euler", "Euler",
                "euler-a", "Euler a", "dpmpp-2m", "DPM++ 2M", "dpmpp-2m-karras", "DPM++ 2M Karras",
                "lms", "LMS", "unipc", "UniPC");
        assertEquals(expected.keySet(), A1111Parameters.knownSamplerWireNames());
        expected.forEach((wire, display) ->
                assertEquals(display, A1111Parameters.samplerDisplayName(wire).orElseThrow()));
        assertFalse(A1111Parameters.samplerDisplayName("heun").isPresent());
    }

    @Test
    void parsesBackWithA1111sOwnRules() {
        GenerationParameters p = new GenerationParameters("line one, (detailed:1.2)\nline two: 猫",
                "bad hands,\nextra fingers", 25, "unipc", 6.5, 987_654_321L, 640, 448, "anything: v4");
        String text = A1111Parameters.format(p);

        String[] lines = text.split("\n");
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = A1111_FIELD.matcher(lines[lines.length - 1]);
        while (m.find()) {
            fields.put(m.group(1), unquote(m.group(2)));
        }
        assertEquals(Map.of("Steps", "25", "Sampler", "UniPC", "CFG scale", "6.5", "Seed", "987654321",
                "Size", "640x448", "Model", "anything: v4"), fields);
        assertEquals(String.join("\n", "line one, (detailed:1.2)", "line two: 猫",
                "Negative prompt: bad hands,", "extra fingers"), String.join("\n",
                java.util.Arrays.copyOf(lines, lines.length - 1)));
    }

    @Test
    void dropsNulAndStripsSurroundingWhitespace() {
        String text = A1111Parameters.format(new GenerationParameters("  \0sky\n", "", 1, "lms", 1, 0, 8, 8, ""));
        assertEquals("sky\n\nSteps: 1, Sampler: LMS, CFG scale: 1, Seed: 0, Size: 8x8", text);
    }

    private static String unquote(String value) {
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            return value;
        }
        return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
