package io.sdfleet.producer.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code --deadline}: an ISO-8601 instant ({@code 2026-12-01T10:00:00Z}) or a time from now
 * ({@code +10m}, {@code +90s}, {@code +2h}), resolved on the injected clock when the argument is parsed.
 */
final class DeadlineConverter implements ITypeConverter<Instant> {

    private final Clock clock;

    DeadlineConverter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        String text = value.strip();
        if (text.startsWith("+")) {
            return clock.instant().plus(new DurationConverter().convert(text.substring(1)));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value
                    + "' is not a deadline like 2026-12-01T10:00:00Z or +10m (from now)");
        }
    }
}
