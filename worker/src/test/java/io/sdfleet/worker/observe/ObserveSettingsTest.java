package io.sdfleet.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.ConfigReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObserveSettingsTest {

    @Test
    void defaults() {
        ConfigReader reader = new ConfigReader(Map.of());
        assertEquals(new ObserveSettings(ObserveSettings.DEFAULT_HTTP_PORT, ObserveSettings.DEFAULT_BIND),
                ObserveSettings.read(reader));
        reader.throwIfInvalid();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "::", "::1", "10.1.2.3"})
    void acceptsIpLiterals(String address) {
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_HTTP_BIND", address, "SDFLEET_HTTP_PORT", "0"));
        assertEquals(new ObserveSettings(0, address), ObserveSettings.read(reader));
        reader.throwIfInvalid();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "300.1.1.1", "", "1.2.3", "example.com"})
    void refusesOtherAddresses(String address) {
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_HTTP_BIND", address));
        ObserveSettings.read(reader);
        assertEquals(List.of("SDFLEET_HTTP_BIND"), reader.problems().stream().map(ConfigProblem::key).toList());
    }

    @Test
    void refusesPortsOutOfRange() {
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_HTTP_PORT", "70000"));
        ObserveSettings.read(reader);
        assertEquals(List.of("SDFLEET_HTTP_PORT"), reader.problems().stream().map(ConfigProblem::key).toList());
    }
}
