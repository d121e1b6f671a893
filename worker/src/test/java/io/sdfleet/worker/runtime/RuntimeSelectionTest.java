package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** One config value picks the runtime; ONNX Runtime works with the TensorRT jar on the classpath. */
class RuntimeSelectionTest {
    @Test
    void configValuesParseCaseInsensitivelyAndUnknownOnesListTheAllowedValues() {
        assertEquals(RuntimeKind.TENSORRT, RuntimeKind.fromConfig(" TensorRT "));
        assertEquals(RuntimeKind.ONNXRUNTIME, RuntimeKind.fromConfig("onnxruntime"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeKind.fromConfig("trt"));
        assertTrue(e.getMessage().contains("onnxruntime, tensorrt"), e.getMessage());
        assertEquals(OrtProvider.CUDA, OrtProvider.fromConfig("CUDA"));
        assertThrows(IllegalArgumentException.class, () -> OrtProvider.fromConfig("rocm"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeSettings.defaults().withThreads(-1, 0));
    }

    @Test
    void onnxRuntimeLoadsWithTheTensorRtJarOnTheClasspath() throws Exception {
        assertTrue(classPresent("ai.djl.tensorrt.engine.TrtEngine"), "this test needs the tensorrt jar on the classpath");
        try (ModelRuntimes runtimes = ModelRuntimes.open(ModelFolder.load(TinyModelFiles.tinyModel()),
                RuntimeSettings.defaults())) {
            assertEquals("OnnxRuntime", Engine.getDefaultEngineName());
            assertTrue(runtimes.unet().identity().matches("onnxruntime-[0-9.]+/cpu"), runtimes.unet().identity());
            int[][] ids = new int[1][77];
            java.util.Arrays.fill(ids[0], 49407);
            ids[0][0] = 49406;
            float[] states = runtimes.textEncoder().encode(ids);
            float[] noise = runtimes.unet().predictNoise(new float[4 * 8 * 8], 1f, states, 1, 8, 8);
            assertEquals(3 * 64 * 64, runtimes.vaeDecoder().decode(noise, 1, 8, 8).length);
        }
    }

    @Test
    void tensorRtWithoutItsLibrariesFailsAtStartNamingTheLibraryAndTheWayOut() throws Exception {
        Assumptions.assumeFalse(System.getenv().getOrDefault("LD_LIBRARY_PATH", "").contains("TensorRT"),
                "this machine seems to have TensorRT; the missing-library message cannot be observed");
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        RuntimeSettings settings = RuntimeSettings.defaults().withKind(RuntimeKind.TENSORRT);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRuntimes.open(folder, settings));
        String message = e.getMessage();
        assertTrue(message.contains("libnvinfer.so.8"), message);
        assertTrue(message.contains("TensorRT 8"), message);
        assertTrue(message.contains("LD_LIBRARY_PATH"), message);
        assertTrue(message.contains("set the runtime to onnxruntime"), message);
        // the second attempt (DJL now throws NoClassDefFoundError) gives the same clear message
        ModelLoadException again = assertThrows(ModelLoadException.class, () -> ModelRuntimes.openUNet(folder, settings));
        assertTrue(again.getMessage().contains("libnvinfer.so.8"), again.getMessage());
        // and ONNX Runtime still works afterwards in the same process
        try (UNetRuntime unet = ModelRuntimes.openUNet(folder, RuntimeSettings.defaults())) {
            assertEquals(4 * 8 * 8, unet.predictNoise(new float[4 * 8 * 8], 1f, new float[77 * 32], 1, 8, 8).length);
        }
    }

    /**
     * An inpainting UNet on either TensorRT path is refused at start, before any library is loaded (the engines are
     * built for 4-channel samples), with the runtime that runs it named; on this machine and on a GPU alike.
     */
    @Test
    void anInpaintingUNetOnTensorRtIsRefusedAtStartNamingTheRuntimeThatRunsIt() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyInpaintModel());
        for (RuntimeSettings settings : List.of(RuntimeSettings.defaults().withKind(RuntimeKind.TENSORRT),
                RuntimeSettings.defaults().withOrtProvider(OrtProvider.TENSORRT))) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRuntimes.open(folder, settings));
            assertTrue(e.getMessage().contains("inpainting UNet (9 input channels); the TensorRT runtimes build"
                    + " engines for 4-channel UNets only"), e.getMessage());
            assertTrue(e.getMessage().contains("SDFLEET_RUNTIME=onnxruntime"), e.getMessage());
        }
        try (ModelRuntimes runtimes = ModelRuntimes.open(folder, RuntimeSettings.defaults())) {
            assertEquals(UNetRuntime.INPAINT_CHANNELS, runtimes.unet().inputChannels(), "ONNX Runtime on the CPU runs it");
        }
    }

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, RuntimeSelectionTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
