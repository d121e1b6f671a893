package io.sdfleet.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar shared by settings, CLI options and relative replay times. */
class DurationTextTest {

    @Test
    void shortFormsInAnyCaseAndIso() {
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationText.parse("5 m"));
        assertEquals(Duration.ofHours(2), DurationText.parse("2H"));
        assertEquals(Duration.ofDays(1), DurationText.parse("1d"));
        assertEquals(Duration.ofSeconds(90), DurationText.parse("PT1M30S"));
        assertEquals(Duration.ofHours(-1), DurationText.parse("-PT1H"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "5", "-5m", "1.5s", "5 minutes", "1234567890123s", " 5m"})
    void otherTextIsRefusedNamingTheAllowedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertTrue(e.getMessage().contains("500ms") && e.getMessage().contains("PT30S"), e.getMessage());
    }

    @Test
    void formatUsesTheLargestWholeUnit() {
        assertEquals("2h", DurationText.format(Duration.ofHours(2)));
        assertEquals("90s", DurationText.format(Duration.ofSeconds(90)));
        assertEquals("1500ms", DurationText.format(Duration.ofMillis(1500)));
        assertEquals("0s", DurationText.format(Duration.ZERO));
        assertEquals("PT0.0000015S", DurationText.format(Duration.ofNanos(1500)));
        assertEquals("(none)", DurationText.format(null));
        assertEquals(Duration.ofMinutes(5), DurationText.parse(DurationText.format(Duration.ofMinutes(5))));
    }
}
