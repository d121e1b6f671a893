package io.sdfleet.worker.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input-image path against {@code <sdfleet.golden>/img2img/images.json}, made by
 * tools/golden/make_img2img_golden.py with PIL 9.4 and diffusers 0.35.2's VaeImageProcessor. Every comparison is
 * exact: decoded RGB bytes (PNG layouts, JPEG subsamplings, EXIF orientations), LANCZOS resizes, the
 * preprocessed float tensors and the masks (float bits, so -0.0 counts).
 */
class InputImageGoldenTest {

    static final String RELATIVE_PATH = "img2img/images.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CHECKED = new AtomicInteger();
    private static final AtomicInteger RESIZED_PIXELS = new AtomicInteger();
    private static JsonNode root;

    static synchronized JsonNode root() {
        if (root == null) {
            String folder = System.getProperty("sdfleet.golden");
            assertTrue(folder != null && !folder.isBlank(), "system property sdfleet.golden is not set");
            Path file = Path.of(folder).resolve(RELATIVE_PATH);
            assertTrue(Files.isRegularFile(file), "golden file missing: " + file);
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static Stream<Arguments> section(String name) {
        List<Arguments> out = new ArrayList<>();
        JsonNode cases = root().get(name);
        assertTrue(cases != null && !cases.isEmpty(), "no " + name + " in " + RELATIVE_PATH);
        int i = 0;
        for (JsonNode c : cases) {
            String label = c.has("name") ? c.get("name").asText()
                    : c.has("mode") ? c.get("mode").asText() + " " + c.get("width") + "x" + c.get("height") + " -> "
                    + c.get("out_width") + "x" + c.get("out_height")
                    : c.get("width") + "x" + c.get("height") + " -> job " + c.get("job_width") + "x"
                    + c.get("job_height");
            out.add(Arguments.of(i++ + " " + label, c));
        }
        return out.stream();
    }

    static Stream<Arguments> decodeCases() {
        return section("decode_cases");
    }

    static Stream<Arguments> refusedCases() {
        return section("refused_cases");
    }

    static Stream<Arguments> resizeCases() {
        return section("resize_cases");
    }

    static Stream<Arguments> preprocessCases() {
        return section("preprocess_cases");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeCases")
    void decodesAsDiffusersLoadImage(String name, JsonNode c) throws Exception {
        RgbImage image = InputImageDecoder.decode(bytes(c.get("file")), InputImageLimits.DEFAULT, name);
        assertEquals(c.get("width").asInt(), image.width(), name + ": width");
        assertEquals(c.get("height").asInt(), image.height(), name + ": height");
        assertBytesEqual(name, bytes(c.get("rgb")), image.rgb(), 3, image.width());
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCases")
    void refusesWithTheReasonGiven(String name, JsonNode c) {
        InputImageException e = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(bytes(c.get("file")), InputImageLimits.DEFAULT, "init image " + name),
                name + " (" + c.get("note").asText() + "; PIL: " + c.get("pil").asText() + ")");
        assertEquals(InputImageException.Reason.valueOf(c.get("reason").asText()), e.reason(),
                name + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("init image " + name), "the message names the object: "
                + e.getMessage());
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resizeCases")
    void resizesAsPilLanczos(String name, JsonNode c) {
        int w = c.get("width").asInt();
        int h = c.get("height").asInt();
        int outW = c.get("out_width").asInt();
        int outH = c.get("out_height").asInt();
        byte[] pixels = bytes(c.get("pixels"));
        byte[] expected = bytes(c.get("resized"));
        byte[] actual;
        int bands;
        if ("RGB".equals(c.get("mode").asText())) {
            actual = PilLanczos.resize(new RgbImage(w, h, pixels), outW, outH).rgb();
            bands = 3;
        } else {
            actual = PilLanczos.resize(new GreyImage(w, h, pixels), outW, outH).pixels();
            bands = 1;
        }
        assertBytesEqual(name, expected, actual, bands, outW);
        RESIZED_PIXELS.addAndGet(outW * outH);
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preprocessCases")
    void preprocessesInitImageAndMaskAsDiffusers(String name, JsonNode c) {
        int w = c.get("width").asInt();
        int h = c.get("height").asInt();
        int jobW = c.get("job_width").asInt();
        int jobH = c.get("job_height").asInt();
        RgbImage init = new RgbImage(w, h, bytes(c.get("init_rgb")));
        RgbImage maskPicture = new RgbImage(w, h, bytes(c.get("mask_rgb")));
        int outH = c.get("init_shape").get(2).asInt();
        int outW = c.get("init_shape").get(3).asInt();
        assertEquals(outW, DiffusersImageProcessor.processedSide(jobW), name);
        assertEquals(outH, DiffusersImageProcessor.processedSide(jobH), name);

        float[] initTensor = DiffusersImageProcessor.initImage(init, jobW, jobH);
        assertFloatBitsEqual(name + " init", floats(c.get("init")), initTensor);
        float[] mask = DiffusersImageProcessor.mask(maskPicture, jobW, jobH);
        assertFloatBitsEqual(name + " mask", floats(c.get("mask")), mask);
        float[] masked = DiffusersImageProcessor.maskedImage(initTensor, mask);
        assertFloatBitsEqual(name + " masked_image", floats(c.get("masked_image")), masked);
        float[] latentMask = DiffusersImageProcessor.latentMask(mask, outW, outH);
        assertFloatBitsEqual(name + " latent mask", floats(c.get("latent_mask")), latentMask);
        CHECKED.incrementAndGet();
    }

    @AfterAll
    static void printCounts() {
        System.out.println("[image golden] cases checked: " + CHECKED + " (resized pixels compared: " + RESIZED_PIXELS
                + "), worst difference: 0 (exact equality required)");
    }

    static byte[] bytes(JsonNode base64) {
        return Base64.getDecoder().decode(base64.asText());
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static void assertBytesEqual(String what, byte[] expected, byte[] actual, int bands, int width) {
        assertEquals(expected.length, actual.length, what + ": length");
        int differing = 0;
        int first = -1;
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (d != 0) {
                differing++;
                worst = Math.max(worst, d);
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (differing > 0) {
            int pixel = first / bands;
            fail(what + ": " + differing + " of " + expected.length + " samples differ (worst by " + worst
                    + "); first at x=" + pixel % width + " y=" + pixel / width + " band " + first % bands + ": expected "
                    + (expected[first] & 0xFF) + ", got " + (actual[first] & 0xFF));
        }
    }

    private static void assertFloatBitsEqual(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
