package io.sdfleet.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or
 * ISO-8601 ({@code PT30S}). The one grammar shared by settings ({@link Setting#duration}), command-line
 * options and relative times ({@code -2h}), so every place accepts the same forms.
 *
 * <p>Why the callers check the sign and the range themselves: what is allowed differs (a time limit must be
 * positive, a setting has its own bounds, "before now" is written with the sign outside), so this class only
 * reads the text. The short form takes 1 to 12 digits, any case, optionally a space before the unit; ISO-8601
 * may be negative. Stateless; safe from any thread.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private DurationText() {
    }

    /**
     * Reads a duration; the text is taken as is (callers strip surrounding white space).
     *
     * @throws IllegalArgumentException saying which forms are allowed (shown to the operator)
     */
    public static Duration parse(String text) {
        Matcher m = SHORT.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration; write e.g. 500ms, 30s, 5m, 2h or PT30S");
        }
    }

    /**
     * A duration for people: 500ms, 30s, 5m, 2h, or ISO-8601 when it is not a whole number of milliseconds;
     * {@code (none)} for null.
     */
    public static String format(Duration d) {
        if (d == null) {
            return "(none)";
        }
        long ms = d.toMillis();
        if (!d.equals(Duration.ofMillis(ms))) {
            return d.toString();
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
