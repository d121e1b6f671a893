package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * diffusers' latent sampling ({@code DiagonalGaussianDistribution.sample(generator)} times the scaling factor) and
 * the order of generator draws of its img2img and inpaint pipelines, against {@code img2img/latents.json} (made
 * with diffusers 0.35.2's own class and randn_tensor, torch 1.13 CPU generators).
 *
 * <p>The noise is a bit-exact draw (TorchGenerator), so any mistake in the number or order of draws shows as a
 * completely different tensor. The sample itself goes through exp: torch's vectorised float exp and Java's
 * correctly rounded one may differ by an ulp, so the std and sample are compared within 2 ulp-scale
 * (|a - b| &lt;= 4e-7 |b| + 1e-7) and the worst error is printed.
 */
class DiagonalGaussianGoldenTest {

    private static final double RELATIVE = 4e-7;
    private static final double ABSOLUTE = 1e-7;
    private static double worst;
    private static int inexact;
    private static int compared;

    static Stream<Arguments> samplingCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : GoldenData.readJson("img2img/latents.json").get("sampling_cases")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        return out.stream();
    }

    static Stream<Arguments> drawOrderCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : GoldenData.readJson("img2img/latents.json").get("inpaint_draw_order")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplingCases")
    void samplesThenDrawsTheNoiseFromTheSameGeneratorAsImg2Img(String name, JsonNode c) throws IOException {
        float scaling = (float) GoldenData.readJson("img2img/latents.json").get("scaling_factor").asDouble();
        float[] parameters = GoldenData.floats(c.get("parameters"));
        JsonNode shape = c.get("parameters_shape");
        int batch = shape.get(0).asInt();
        int channels = shape.get(1).asInt() / 2;
        int h = shape.get(2).asInt();
        int w = shape.get(3).asInt();
        int perImage = channels * h * w;
        float[] expectedSample = GoldenData.floats(c.get("sample"));
        float[] expectedLatents = GoldenData.floats(c.get("latents"));
        float[] expectedNoise = GoldenData.floats(c.get("noise"));
        for (int b = 0; b < batch; b++) {
            TorchGenerator generator = new TorchGenerator(Long.parseUnsignedLong(c.get("seeds").get(b).asText()));
            // diffusers: latents first (vae.encode(...).latent_dist.sample(generator)) ...
            float[] latents = DiagonalGaussian.scaledSample(parameters, b * 2 * perImage, channels, h, w, generator,
                    scaling);
            // ... then the noise for add_noise, from the same generator
            float[] noise = generator.randn(perImage);
            float[] noiseExpected = slice(expectedNoise, b * perImage, perImage);
            assertEquals(0, GoldenData.firstDifference(noiseExpected, noise).length(),
                    name + " image " + b + ": noise drawn after the sample " + GoldenData.firstDifference(
                            noiseExpected, noise));
            assertClose(name + " image " + b + " latents", slice(expectedLatents, b * perImage, perImage), latents);
            float[] sample = DiagonalGaussian.sample(parameters, b * 2 * perImage, channels, h, w,
                    new TorchGenerator(Long.parseUnsignedLong(c.get("seeds").get(b).asText())));
            assertClose(name + " image " + b + " sample", slice(expectedSample, b * perImage, perImage), sample);
        }
        // the batch form, with the per-image streams the pipeline already has
        long[] seeds = new long[batch];
        for (int b = 0; b < batch; b++) {
            seeds[b] = Long.parseUnsignedLong(c.get("seeds").get(b).asText());
        }
        LatentNoise streams = new LatentNoise(seeds, channels, h, w);
        float[] batchLatents = DiagonalGaussian.scaledSamples(parameters, batch, channels, h, w, streams.nextBatch(),
                scaling);
        assertClose(name + " batch latents", expectedLatents, batchLatents);
        float[] batchNoise = streams.nextBatch();
        assertEquals("", GoldenData.firstDifference(expectedNoise, batchNoise), name + ": batch noise");
        if (c.hasNonNull("std")) {
            float[] std = GoldenData.floats(c.get("std"));
            float[] actual = new float[std.length];
            for (int i = 0; i < std.length; i++) {
                actual[i] = DiagonalGaussian.std(parameters[perImage + i]);
            }
            assertClose(name + " std (clamped log-variance)", std, actual);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drawOrderCases")
    void inpaintingDrawsImageLatentsNoiseThenMaskedImageLatents(String name, JsonNode c) throws IOException {
        float scaling = (float) GoldenData.readJson("img2img/latents.json").get("scaling_factor").asDouble();
        float[] imageParameters = GoldenData.floats(c.get("image_parameters"));
        float[] maskedParameters = GoldenData.floats(c.get("masked_image_parameters"));
        TorchGenerator generator = new TorchGenerator(c.get("seed").asLong());
        boolean encodesImage = "unet4".equals(c.get("unet").asText()) || c.get("strength").asDouble() < 1.0;
        List<float[]> draws = new ArrayList<>();
        if (encodesImage) {
            draws.add(DiagonalGaussian.scaledSample(imageParameters, 0, 4, 4, 4, generator, scaling));
        }
        draws.add(generator.randn(64));
        draws.add(DiagonalGaussian.scaledSample(maskedParameters, 0, 4, 4, 4, generator, scaling));
        draws.add(generator.randn(64));
        JsonNode expected = c.get("draws");
        assertEquals(expected.size(), draws.size(), name + ": number of draws");
        for (int i = 0; i < draws.size(); i++) {
            assertClose(name + " draw " + i + " (" + expected.get(i).get("what").asText() + ")",
                    GoldenData.floats(expected.get(i).get("values")), draws.get(i));
        }
    }

    @AfterAll
    static void printWorst() {
        System.out.println("[latent sampling golden] values compared: " + compared + ", not bit-equal: " + inexact
                + ", worst |a-b| / (4e-7|b| + 1e-7) = " + String.format("%.3f", worst));
    }

    private static float[] slice(float[] values, int offset, int length) {
        float[] out = new float[length];
        System.arraycopy(values, offset, out, 0, length);
        return out;
    }

    private static synchronized void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double bound = ABSOLUTE + RELATIVE * Math.abs(expected[i]);
            double error = Math.abs((double) expected[i] - actual[i]);
            compared++;
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                inexact++;
            }
            worst = Math.max(worst, error / bound);
            if (!(error <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
