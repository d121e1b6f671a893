package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.image.InputImageDecoder;
import io.sdfleet.worker.image.InputImageException;
import io.sdfleet.worker.image.InputImageLimits;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.scheduler.GoldenSchedulerCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole img2img and inpainting pipeline against diffusers 0.35.2's own StableDiffusionImg2ImgPipeline and
 * StableDiffusionInpaintPipeline, run on the same tiny models ({@code golden/pipeline/pipeline_cases.json}, made by
 * tools/golden/make_pipeline_golden.py; the README beside it says what ran). Each case goes in as the worker gets
 * it: the PNG files through {@link InputImageDecoder}, {@link JobPictures#fitted} (LANCZOS to the job's size, the
 * mask binarized), a {@link JobRequest}; then the real pipeline on ONNX Runtime CPU.
 *
 * <p>What is compared, per image: the latents the trajectory starts from (diffusers' prepare_latents: the VAE
 * encoder, the generator's draws in diffusers' order, add_noise at the strength's first timestep), the final latents
 * (what vae.decode gets, times the scaling factor) and the 8-bit pixels. Both sides run the same weights (the
 * generator proves the torch modules equal the committed ONNX files) but different kernels (torch 1.13 vs ONNX
 * Runtime), so the floats agree to float32 rounding amplified by the steps, not bit for bit: latents within
 * {@link #LATENT_TOLERANCE} of the case's largest magnitude, pixels within one level. A wrong draw order, timestep,
 * strength rule, blend or mask breaks them by orders of magnitude more (the README lists what was tried).
 *
 * <p>Then the same cases once more as one {@link StableDiffusionPipeline#generateFrom} call per model, the
 * worker's path with every job sharing UNet calls: the pixels must be those of the one-job runs, bit for bit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineGoldenTest {

    /**
     * |java - diffusers| &lt;= LATENT_TOLERANCE x max(1, max |diffusers|) per case. Measured worst on the committed
     * cases: 1.5e-5 (README, "Tolerances"); this bound leaves about 6x headroom over it.
     */
    static final double LATENT_TOLERANCE = 1e-4;
    /** Pixels: diffusers rounds (x / 2 + 0.5).clamp(0, 1) * 255; latents a few 1e-6 apart can round differently. */
    static final int PIXEL_TOLERANCE = 1;
    /**
     * And only rarely: at most this share of an image's values may be off by one (measured worst in the README), so
     * that a systematic rounding error (truncating, or rounding half up), which moves about half of all values by
     * one level, does not pass as float noise.
     */
    static final double OFF_BY_ONE_SHARE = 0.01;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode root;
    private static final Map<String, StableDiffusionPipeline> PIPELINES = new HashMap<>();
    private static final Map<String, List<RgbImage>> ONE_JOB_PIXELS = new HashMap<>();
    private static double worstLatent;
    private static String worstLatentCase = "";
    private static double worstStart;
    private static long pixelsOffByOne;
    private static long pixelsCompared;
    private static double worstOffByOneShare;

    static synchronized JsonNode root() {
        if (root == null) {
            String folder = System.getProperty("sdfleet.golden");
            assertTrue(folder != null && !folder.isBlank(), "system property sdfleet.golden is not set");
            Path file = Path.of(folder).resolve("pipeline/pipeline_cases.json");
            assertTrue(Files.isRegularFile(file), "golden file missing: " + file);
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    @BeforeAll
    static void open() throws ModelLoadException {
        PIPELINES.put("tiny-sd", StableDiffusionPipeline.open(ModelFolder.load(TinyModelFiles.tinyModel()),
                RuntimeSettings.defaults()));
        PIPELINES.put("tiny-sd-inpaint", StableDiffusionPipeline.open(
                ModelFolder.load(TinyModelFiles.tinyInpaintModel()), RuntimeSettings.defaults()));
    }

    @AfterAll
    static void close() {
        PIPELINES.values().forEach(StableDiffusionPipeline::close);
        System.out.printf("PipelineGoldenTest: worst final-latent error %.3g of the case's scale (%s), worst start"
                + " %.3g; %d of %d pixel values off by one (worst image %.3g %%)%n", worstLatent, worstLatentCase,
                worstStart, pixelsOffByOne, pixelsCompared, 100 * worstOffByOneShare);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root().get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        assertTrue(out.size() > 40, "expected the full case list, found " + out.size());
        return out.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesDiffusers(String name, JsonNode c) throws Exception {
        StableDiffusionPipeline pipeline = PIPELINES.get(c.get("model").asText());
        JobInput input = input(c);
        // the tokenizer is the worker's own: the ids the golden's embeddings came from must be what it makes
        assertArrayEquals(ids(root().get("prompts").get(c.get("prompt").asText())),
                TinyPipeline.tokenizer().tokenize(c.get("prompt").asText()).inputIds(), name + ": prompt ids");
        String negative = c.get("negative_prompt").isNull() ? "" : c.get("negative_prompt").asText();
        assertArrayEquals(ids(root().get("prompts").get(negative)), TinyPipeline.tokenizer().tokenize(negative)
                .inputIds(), name + ": negative prompt ids");

        Admission admission = pipeline.prepareInputs(List.of(input)).get(0);
        assertTrue(admission.prepared(), () -> name + " refused: " + admission.error());
        List<Trajectory> trajectories = admission.job().trajectories();
        JsonNode images = c.get("images");
        assertEquals(images.size(), trajectories.size(), name + ": images");
        for (int i = 0; i < images.size(); i++) {
            assertEquals(images.get(i).get("seed").asLong(), trajectories.get(i).seed(), name + ": seed of " + i);
            assertEquals(c.get("timesteps").size(), trajectories.get(i).totalSteps(), name + ": steps run");
            worstStart = Math.max(worstStart, compareLatents(name + " image " + i + " start",
                    GoldenSchedulerCases.floats(images.get(i).get("initial_latents")), trajectories.get(i).latents()));
        }
        // the loop as generateFrom runs it: all images of the job in each UNet call
        while (!trajectories.get(0).finished()) {
            pipeline.denoise(trajectories);
        }
        List<DecodedImage> decoded = pipeline.decode(trajectories);
        List<RgbImage> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            double error = compareLatents(name + " image " + i + " final",
                    GoldenSchedulerCases.floats(images.get(i).get("final_latents")), trajectories.get(i).latents());
            synchronized (PipelineGoldenTest.class) {
                if (error > worstLatent) {
                    worstLatent = error;
                    worstLatentCase = name + " image " + i;
                }
            }
            RgbImage rgb = decoded.get(i).rgb();
            long offByOne = comparePixels(name + " image " + i,
                    Base64.getDecoder().decode(images.get(i).get("rgb").asText()), rgb);
            synchronized (PipelineGoldenTest.class) {
                pixelsOffByOne += offByOne;
                pixelsCompared += rgb.rgb().length;
                worstOffByOneShare = Math.max(worstOffByOneShare, (double) offByOne / rgb.rgb().length);
            }
            pixels.add(rgb);
        }
        ONE_JOB_PIXELS.put(name, pixels);
    }

    /**
     * All cases of a model in one generateFrom call (the worker's batching across jobs): each image must be the
     * one its job made alone, bit for bit, and so within one level of diffusers'.
     */
    @Order(2)
    @Test
    void sharedCallsChangeNoPixel() throws Exception {
        for (String model : PIPELINES.keySet()) {
            List<JobInput> inputs = new ArrayList<>();
            List<JsonNode> golden = new ArrayList<>();
            for (JsonNode c : root().get("cases")) {
                if (c.get("model").asText().equals(model)) {
                    inputs.add(input(c));
                    golden.add(c);
                }
            }
            List<JobResult> results = PIPELINES.get(model).generateFrom(inputs);
            for (int j = 0; j < inputs.size(); j++) {
                JsonNode c = golden.get(j);
                String name = c.get("name").asText();
                JobResult result = results.get(j);
                assertTrue(result.succeeded(), () -> name + " failed: " + result.error());
                for (int i = 0; i < c.get("images").size(); i++) {
                    RgbImage rgb = result.images().get(i).image();
                    comparePixels(name + " image " + i + " (generateFrom)",
                            Base64.getDecoder().decode(c.get("images").get(i).get("rgb").asText()), rgb);
                    List<RgbImage> alone = ONE_JOB_PIXELS.get(name);
                    if (alone != null) {
                        assertArrayEquals(alone.get(i).rgb(), rgb.rgb(), name + " image " + i
                                + ": generateFrom with other jobs made other pixels than the job alone");
                    }
                }
            }
        }
    }

    /** The case as the worker's input stage hands it to the pipeline. */
    static JobInput input(JsonNode c) throws InputImageException {
        JsonNode pictures = root().get("pictures");
        byte[] initFile = Base64.getDecoder().decode(pictures.get(c.get("init").asText()).asText());
        byte[] maskFile = c.get("mask").isNull() ? null
                : Base64.getDecoder().decode(pictures.get(c.get("mask").asText()).asText());
        int width = c.get("width").asInt();
        int height = c.get("height").asInt();
        JobRequest.Builder job = JobRequest.builder(c.get("prompt").asText()).jobId(c.get("name").asText())
                .size(width, height).steps(c.get("steps").asInt())
                .scheduler(SchedulerName.fromWireName(c.get("scheduler").asText()).orElseThrow())
                .seed(c.get("seed").asLong()).guidanceScale(c.get("guidance_scale").asDouble())
                .numImages(c.get("num_images").asInt()).strength(c.get("strength").asDouble())
                .initImage(ObjectReference.of("inputs/" + c.get("init").asText() + ".png", initFile));
        if (!c.get("negative_prompt").isNull()) {
            job.negativePrompt(c.get("negative_prompt").asText());
        }
        RgbImage init = InputImageDecoder.decode(initFile, InputImageLimits.DEFAULT, "init image");
        RgbImage mask = null;
        if (maskFile != null) {
            job.maskImage(ObjectReference.of("inputs/" + c.get("mask").asText() + ".png", maskFile));
            mask = InputImageDecoder.decode(maskFile, InputImageLimits.DEFAULT, "mask image");
        }
        return new JobInput(job.build(), JobPictures.fitted(init, mask, width, height));
    }

    /** The largest |java - diffusers| over the case's scale max(1, max |diffusers|); fails above the tolerance. */
    static double compareLatents(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": latent values");
        double scale = 1.0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        int at = -1;
        for (int k = 0; k < expected.length; k++) {
            double d = Math.abs((double) actual[k] - expected[k]);
            if (!(d <= worst)) {
                worst = d;
                at = k;
            }
        }
        double relative = worst / scale;
        int index = at;
        double difference = worst;
        double of = scale;
        assertTrue(relative <= LATENT_TOLERANCE, () -> String.format("%s: latents differ by %.3g of scale %.3g at"
                + " [%d] (java %s, diffusers %s)", what, difference, of, index, actual[index], expected[index]));
        return relative;
    }

    /** Fails on a value more than one level off, or on too many off by one; returns how many are off by one. */
    static long comparePixels(String what, byte[] expected, RgbImage actual) {
        assertEquals(expected.length, actual.rgb().length, what + ": pixel bytes");
        long offByOne = 0;
        for (int k = 0; k < expected.length; k++) {
            int d = Math.abs((expected[k] & 0xFF) - (actual.rgb()[k] & 0xFF));
            if (d > PIXEL_TOLERANCE) {
                int pixel = k / 3;
                throw new AssertionError(String.format("%s: pixel (%d, %d) channel %d is %d, diffusers %d", what,
                        pixel % actual.width(), pixel / actual.width(), k % 3, actual.rgb()[k] & 0xFF,
                        expected[k] & 0xFF));
            }
            offByOne += d;
        }
        long off = offByOne;
        assertTrue(off <= OFF_BY_ONE_SHARE * expected.length, () -> String.format("%s: %d of %d values off by one"
                + " level: a rounding difference, not float noise", what, off, expected.length));
        return offByOne;
    }

    static int[] ids(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
