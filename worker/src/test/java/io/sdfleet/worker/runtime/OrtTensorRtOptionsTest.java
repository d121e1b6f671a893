package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TinyModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The TensorRT provider's options for the UNet, derived from the settings: one explicit optimization profile per
 * engine (min = opt = max, the profile's exact shape), fp16, the engine and timing caches under
 * SDFLEET_ORT_TRT_CACHE_DIR; which profiles get an engine; the text encoder and VAE on CUDA.
 */
class OrtTensorRtOptionsTest {
    private static final TrtCacheLayout CACHE = new TrtCacheLayout(Path.of("/var/cache/sdfleet/trt"));

    @Test
    void oneProfileOfExactlyTheEnginesShapeForEveryDynamicInput() {
        RuntimeSettings s = settings(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt", "SDFLEET_TRT_PROFILES", "8x64x64"));
        Map<String, String> o = OrtTensorRtOptions.unet(s, new EngineProfile(8, 64, 64), 768, false, CACHE);
        String shape = "sample:8x4x64x64,timestep:8,encoder_hidden_states:8x77x768";
        assertEquals(shape, o.get("trt_profile_min_shapes"));
        assertEquals(shape, o.get("trt_profile_opt_shapes"));
        assertEquals(shape, o.get("trt_profile_max_shapes"));
        assertEquals("1", o.get("trt_fp16_enable"));
        assertEquals("1", o.get("trt_engine_cache_enable"));
        assertEquals("/var/cache/sdfleet/trt/engines", o.get("trt_engine_cache_path"));
        assertEquals("unet-b8-h64-w64-fp16", o.get("trt_engine_cache_prefix"));
        assertEquals("1", o.get("trt_timing_cache_enable"));
        assertEquals("/var/cache/sdfleet/trt/timing", o.get("trt_timing_cache_path"));
        assertEquals(List.of("trt_fp16_enable", "trt_engine_cache_enable", "trt_engine_cache_path",
                "trt_engine_cache_prefix", "trt_timing_cache_enable", "trt_timing_cache_path", "trt_profile_min_shapes",
                "trt_profile_opt_shapes", "trt_profile_max_shapes"), List.copyOf(o.keySet()), "only these options");
    }

    @Test
    void fp32WhenFp16IsOffAndTheCacheFolderFromTheSetting() {
        RuntimeSettings s = settings(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt", "SDFLEET_FP16", "false",
                "SDFLEET_ORT_TRT_CACHE_DIR", "/cache", "SDFLEET_TRT_PROFILES", "4x96x64"));
        TrtCacheLayout cache = new TrtCacheLayout(s.effectiveTensorRtCacheDir());
        Map<String, String> o = OrtTensorRtOptions.unet(s, s.engineProfiles().all().get(0), 1024, false, cache);
        assertEquals("0", o.get("trt_fp16_enable"));
        assertEquals("/cache/engines", o.get("trt_engine_cache_path"));
        assertEquals("unet-b4-h96-w64-fp32", o.get("trt_engine_cache_prefix"));
        assertEquals("sample:4x4x96x64,timestep:4,encoder_hidden_states:4x77x1024", o.get("trt_profile_max_shapes"));
    }

    /** A scalar timestep is not a dynamic input (no entry); its items run in runs of equal timesteps: batch 1..B. */
    @Test
    void aScalarTimestepExportGetsNoTimestepEntryAndABatchRangeFromOne() {
        Map<String, String> o = OrtTensorRtOptions.unet(RuntimeSettings.defaults(), new EngineProfile(8, 64, 64), 768, true,
                CACHE);
        assertEquals("sample:1x4x64x64,encoder_hidden_states:1x77x768", o.get("trt_profile_min_shapes"));
        assertEquals("sample:8x4x64x64,encoder_hidden_states:8x77x768", o.get("trt_profile_opt_shapes"));
        assertEquals("sample:8x4x64x64,encoder_hidden_states:8x77x768", o.get("trt_profile_max_shapes"));
    }

    /** With a fixed engine batch only each size's largest engine ever runs: only those are built. */
    @Test
    void theProfilesThatGetAnEngineFollowTheBatchPolicy() {
        String profiles = "1x64x64,2x64x64,8x64x64,2x96x96,4x96x96";
        RuntimeSettings fixed = settings(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt", "SDFLEET_TRT_PROFILES", profiles));
        assertEquals(List.of(new EngineProfile(8, 64, 64), new EngineProfile(4, 96, 96)),
                OrtTensorRtUNetRuntime.profilesToBuild(fixed));
        RuntimeSettings fitting = fixed.withFixedEngineBatch(false);
        assertEquals(5, OrtTensorRtUNetRuntime.profilesToBuild(fitting).size());
    }

    /** The provider's profiles obey the runtime's rule: guidance needs two items per image in every size's largest. */
    @Test
    void theTensorRtProviderRefusesASizeWhoseLargestEngineCannotHoldOneGuidedImage() {
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt", "SDFLEET_TRT_PROFILES",
                "8x64x64,1x96x96"));
        RuntimeSettings.read(reader);
        assertEquals(1, reader.problems().size(), reader.problems().toString());
        assertTrue(reader.problems().get(0).toString().contains("96x96"), reader.problems().toString());
        assertTrue(settings(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt")).usesTensorRtEngines());
        assertTrue(!RuntimeSettings.defaults().usesTensorRtEngines());
    }

    @Test
    void theTextEncoderAndVaeRunOnCudaUnderTheTensorRtProviderAndSayIt() {
        RuntimeSettings trt = RuntimeSettings.defaults().withOrtProvider(OrtProvider.TENSORRT);
        assertEquals(new OrtSessionPlan(OrtProvider.CUDA, Map.of()), OrtSessionPlan.of(trt));
        assertEquals(OrtProvider.CPU, OrtSessionPlan.of(RuntimeSettings.defaults()).provider());
        assertEquals("onnxruntime-1.23.2/cuda:0", DjlModelHandle.onnxRuntimeIdentity("1.23.2", OrtProvider.CUDA, trt));
        assertEquals("onnxruntime-1.23.2/tensorrt:0/fp16", DjlModelHandle.onnxRuntimeIdentity("1.23.2", trt));
        assertThrows(IllegalArgumentException.class, () -> new OrtSessionPlan(OrtProvider.CUDA, Map.of("trt_fp16_enable", "1")));
    }

    /** The width of encoder_hidden_states: the tiny UNet declares 32. */
    @Test
    void theHiddenSizeComesFromTheModel() throws Exception {
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        assertEquals(32, OrtTensorRtUNetRuntime.hiddenSize(folder, OnnxSignatureReader.read(folder.unet())));
    }

    private static RuntimeSettings settings(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        RuntimeSettings s = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        return s;
    }
}
