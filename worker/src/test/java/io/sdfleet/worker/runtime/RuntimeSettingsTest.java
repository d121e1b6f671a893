package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeSettingsTest {

    private static RuntimeSettings read(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        RuntimeSettings settings = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    private static List<String> problemKeys(Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(env));
        return e.problems().stream().map(ConfigProblem::key).toList();
    }

    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        RuntimeSettings s = read(Map.of());
        assertEquals(RuntimeSettings.defaults(), s);
        assertEquals(RuntimeKind.ONNXRUNTIME, s.kind());
        assertEquals(OrtProvider.CPU, s.ortProvider());
        assertEquals(EngineBatchPolicy.FIXED, s.engineBatchPolicy());
        assertEquals(Optional.empty(), s.engineDir());
    }

    @Test
    void everySettingIsRead() {
        RuntimeSettings s = read(Map.of("SDFLEET_RUNTIME", "tensorrt", "SDFLEET_ORT_PROVIDER", "CUDA",
                "SDFLEET_DEVICE_ID", "3", "SDFLEET_ORT_INTRA_OP_THREADS", "8", "SDFLEET_ORT_INTER_OP_THREADS", "2",
                "SDFLEET_FP16", "false", "SDFLEET_ORT_TRT_CACHE_DIR", " /cache/trt ", "SDFLEET_TRT_ENGINE_DIR",
                "/engines", "SDFLEET_TRT_PROFILES", "2x64x64, 4x96x64", "SDFLEET_TRT_FIXED_BATCH", "false"));
        assertEquals(new RuntimeSettings(RuntimeKind.TENSORRT, OrtProvider.CUDA, 3, 8, 2, false,
                Optional.of(Path.of("/cache/trt")), Optional.of(Path.of("/engines")),
                new EngineProfiles(List.of(new EngineProfile(2, 64, 64), new EngineProfile(4, 96, 64))), false), s);
        assertEquals(EngineBatchPolicy.SMALLEST_FITTING, s.engineBatchPolicy());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SDFLEET_RUNTIME | trt",
        "SDFLEET_ORT_PROVIDER | rocm",
        "SDFLEET_DEVICE_ID | -1",
        "SDFLEET_DEVICE_ID | 64",
        "SDFLEET_ORT_INTRA_OP_THREADS | 1025",
        "SDFLEET_ORT_INTER_OP_THREADS | many",
        "SDFLEET_FP16 | half",
        "SDFLEET_ORT_TRT_CACHE_DIR | '  '",
        "SDFLEET_TRT_ENGINE_DIR | ''",
        "SDFLEET_TRT_PROFILES | 64x64",
        "SDFLEET_TRT_PROFILES | 2x64x64,2x64x64",
        "SDFLEET_TRT_PROFILES | 0x64x64",
        "SDFLEET_TRT_PROFILES | ''",
        "SDFLEET_TRT_FIXED_BATCH | yes"})
    void eachBadValueIsReportedWithItsKeyAndValue(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(key, value)));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals(key, e.problems().get(0).key());
        assertEquals(value, e.problems().get(0).value());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void severalBadValuesAreReportedAtOnce() {
        assertEquals(Set.of("SDFLEET_ORT_PROVIDER", "SDFLEET_DEVICE_ID", "SDFLEET_ORT_INTRA_OP_THREADS",
                "SDFLEET_TRT_PROFILES", "SDFLEET_FP16"), new HashSet<>(problemKeys(Map.of("SDFLEET_ORT_PROVIDER",
                "gpu", "SDFLEET_DEVICE_ID", "x", "SDFLEET_ORT_INTRA_OP_THREADS", "-2", "SDFLEET_TRT_PROFILES", "a,b",
                "SDFLEET_FP16", "1"))));
    }

    @Test
    void theTensorRtRuntimeCannotShareAProcessWithOnnxRuntimesTensorRtProvider() {
        assertEquals(List.of("SDFLEET_ORT_PROVIDER"),
                problemKeys(Map.of("SDFLEET_RUNTIME", "tensorrt", "SDFLEET_ORT_PROVIDER", "tensorrt")));
        assertEquals(OrtProvider.TENSORRT, read(Map.of("SDFLEET_ORT_PROVIDER", "tensorrt")).ortProvider(),
                "with the onnxruntime runtime the tensorrt provider is fine");
        assertEquals(OrtProvider.CUDA, read(Map.of("SDFLEET_RUNTIME", "tensorrt", "SDFLEET_ORT_PROVIDER", "cuda"))
                .ortProvider());
        assertEquals(OrtProvider.CPU, read(Map.of("SDFLEET_RUNTIME", "tensorrt")).ortProvider(),
                "UNet on TensorRT, text encoder and VAE on the CPU: slow but allowed");
    }

    @Test
    void theTensorRtRuntimeNeedsAnEngineOfBatchTwoForEveryLatentSize() {
        Map<String, String> env = Map.of("SDFLEET_RUNTIME", "tensorrt", "SDFLEET_TRT_PROFILES",
                "1x64x64,2x64x64,1x96x96");
        ConfigException e = assertThrows(ConfigException.class, () -> read(env));
        assertEquals(List.of("SDFLEET_TRT_PROFILES"), e.problems().stream().map(ConfigProblem::key).toList());
        assertTrue(e.getMessage().contains("96x96") && !e.getMessage().contains("64x64 have"), e.getMessage());
        assertEquals(3, read(Map.of("SDFLEET_TRT_PROFILES", "1x64x64,2x64x64,1x96x96")).engineProfiles().all().size(),
                "onnxruntime does not use the profiles");
    }

    @Test
    void settingsAreDeclaredOnceWithDefaultsAndDescriptions() {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : RuntimeSettings.SETTINGS) {
            assertTrue(names.add(s.name()), s.name());
            assertFalse(s.description().isBlank(), s.name());
            assertFalse(s.defaultText().isBlank(), s.name());
        }
        assertTrue(RuntimeSettings.ENGINE_PROFILES.description().contains("batch x latent height x latent width"));
        assertEquals(RuntimeSettings.DEFAULT_ENGINE_PROFILES, RuntimeSettings.ENGINE_PROFILES.defaultValue().toString());
    }
}
