package io.sdfleet.producer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConvertersTest {

    @Test
    void durationsInShortAndIsoForm() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), c.convert("30s"));
        assertEquals(Duration.ofMinutes(5), c.convert("5m"));
        assertEquals(Duration.ofHours(2), c.convert("2h"));
        assertEquals(Duration.ofMinutes(5), c.convert("PT5M"));
        assertThrows(TypeConversionException.class, () -> c.convert("five minutes"));
        assertThrows(TypeConversionException.class, () -> c.convert("0s"));
    }

    @Test
    void deadlineAbsoluteOrRelativeToTheClock() {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        DeadlineConverter c = new DeadlineConverter(Clock.fixed(now, ZoneOffset.UTC));
        assertEquals(now.plusSeconds(600), c.convert("+10m"));
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), c.convert("2026-12-01T10:00:00Z"));
        assertThrows(TypeConversionException.class, () -> c.convert("2026-12-01"));
    }

    @Test
    void sizeNeedsWidthXHeight() {
        Size.Converter c = new Size.Converter();
        assertEquals(new Size(512, 768), c.convert("512x768"));
        assertThrows(TypeConversionException.class, () -> c.convert("512"));
    }
}
