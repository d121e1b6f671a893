package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.ConfigReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineSettingsTest {

    private static PipelineSettings read(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        PipelineSettings settings = PipelineSettings.read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        assertEquals(PipelineSettings.defaults(), read(Map.of()));
    }

    @Test
    void valuesAreRead() {
        PipelineSettings s = read(Map.of("SDFLEET_VAE_BATCH_IMAGES", "4"));
        assertEquals(new PipelineSettings(PipelineSettings.DEFAULT_MAX_BATCH_IMAGES, 4), s);
    }

    @ParameterizedTest
    @CsvSource({"SDFLEET_VAE_BATCH_IMAGES, 0", "SDFLEET_VAE_BATCH_IMAGES, 65", "SDFLEET_VAE_BATCH_IMAGES, two"})
    void eachBadValueIsReportedWithItsKeyAndValue(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(key, value)));
        assertEquals(List.of(key), e.problems().stream().map(ConfigProblem::key).toList());
        assertEquals(value, e.problems().get(0).value());
    }
}
