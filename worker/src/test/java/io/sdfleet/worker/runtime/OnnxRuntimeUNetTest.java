package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.TensorType;
import io.sdfleet.worker.model.TinyModelFiles;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The UNet contract on ONNX Runtime's CPU provider, plus what is specific to the ONNX file. */
class OnnxRuntimeUNetTest extends UNetRuntimeContract {
    private static final int TINY_HIDDEN = 32;

    @Override
    protected UNetRuntime openRuntime() throws Exception {
        return OnnxRuntimeUNet.load(ModelFolder.load(TinyModelFiles.tinyModel()).unet(), RuntimeSettings.defaults());
    }

    @Override
    protected int hiddenSize() {
        return TINY_HIDDEN;
    }

    @Test
    void fullSizeLatentsGiveAboutUnitVarianceNoise() {
        int side = 64;
        float[] out = runtime().predictNoise(latents(1, side, side, 21), 500f, textStates(1, 22), 1, side, side);
        assertEquals(UNetRuntime.LATENT_CHANNELS * side * side, out.length);
        double mean = 0;
        double square = 0;
        for (float v : out) {
            mean += v;
            square += v * v;
        }
        mean /= out.length;
        double std = Math.sqrt(square / out.length - mean * mean);
        assertTrue(Math.abs(mean) < 0.5 && std > 0.3 && std < 3, "mean " + mean + " std " + std);
    }

    @Test
    void nonSquareLatentsKeepTheirShape() {
        float[] out = runtime().predictNoise(latents(2, 8, 12, 23), 500f, textStates(2, 24), 2, 8, 12);
        assertEquals(2 * UNetRuntime.LATENT_CHANNELS * 8 * 12, out.length);
    }

    @Test
    void anInt64TimestepModelIsFedInt64AndAgreesWithTheFloatModel() throws Exception {
        try (OnnxRuntimeUNet int64 = OnnxRuntimeUNet.load(TinyModelFiles.fixture("unet-int64-timestep"),
                RuntimeSettings.defaults())) {
            assertEquals(TensorType.INT64, int64.timestepType());
            float[] sample = latents(2, SIDE, SIDE, 25);
            float[] states = textStates(2, 26);
            float[] fromInt = int64.predictNoise(sample, 761f, states, 2, SIDE, SIDE);
            float[] fromFloat = runtime().predictNoise(sample, 761f, states, 2, SIDE, SIDE);
            assertTrue(maxAbsDiff(fromInt, fromFloat) < 1e-5, "int64 and float32 timestep models disagree by "
                    + maxAbsDiff(fromInt, fromFloat));
        }
    }

    @Test
    void aFractionalTimestepIsTruncatedForAnInt64ModelAsDiffusersCastsIt() throws Exception {
        try (OnnxRuntimeUNet int64 = OnnxRuntimeUNet.load(TinyModelFiles.fixture("unet-int64-timestep"),
                RuntimeSettings.defaults())) {
            float[] sample = latents(1, SIDE, SIDE, 27);
            float[] states = textStates(1, 28);
            float[] fed = int64.predictNoise(sample, 812.6f, states, 1, SIDE, SIDE);
            float[] truncated = runtime().predictNoise(sample, 812f, states, 1, SIDE, SIDE);
            float[] rounded = runtime().predictNoise(sample, 813f, states, 1, SIDE, SIDE);
            assertTrue(maxAbsDiff(truncated, rounded) > 1e-4, "the tiny UNet must tell 812 from 813");
            assertTrue(maxAbsDiff(fed, truncated) < 1e-5, "812.6 must be fed as 812, differs by "
                    + maxAbsDiff(fed, truncated));
        }
    }

    @Test
    void arraysThatDoNotMatchTheStatedShapeAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> runtime().predictNoise(new float[10], 1f, textStates(1, 1), 1, SIDE, SIDE));
        assertThrows(IllegalArgumentException.class,
                () -> runtime().predictNoise(latents(1, SIDE, SIDE, 1), 1f, new float[76], 1, SIDE, SIDE));
    }

    @Test
    void identityNamesRuntimeVersionAndDevice() {
        String identity = runtime().identity();
        assertTrue(identity.matches("onnxruntime-\\d+\\.\\d+\\.\\d+/cpu"), identity);
        assertEquals("onnxruntime-" + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion() + "/cpu", identity,
                "the version of the native library loaded");
        assertEquals(OptionalInt.empty(), runtime().maxBatch(8, 8), "dynamic shapes: no batch limit");
    }
}
