package io.sdfleet.common.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One declared setting: environment variable name, type, default, allowed values and a one-sentence
 * description. The declaration is the single source of the README's configuration table
 * ({@link SettingsTable}) and of the checks done at start ({@link ConfigReader}).
 *
 * <p>Why a declaration object instead of reading {@code System.getenv} where needed: every setting is then
 * read and checked before anything connects, every bad one is reported at once, and the documentation
 * cannot drift from the code. Immutable; the parser must be a pure function.
 *
 * <p>Values are stripped of surrounding white space before parsing (a trailing newline from a mounted
 * secret is a classic), except for {@link #string} settings which keep them. An empty value is a value,
 * not "unset": {@link #nonBlank} refuses it.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {

    /**
     * Turns the raw text into a value.
     *
     * @param <T> the parsed type
     */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * @throws IllegalArgumentException with a message saying what is allowed (it is shown to the operator)
         */
        T parse(String raw);
    }

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String allowed;
    private final String description;
    private final Parser<T> parser;
    private final boolean secret;

    private Setting(String name, Class<T> type, T defaultValue, String defaultText, String allowed,
            String description, Parser<T> parser, boolean secret) {
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("setting names are upper-case env names: " + name);
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
        this.description = Objects.requireNonNull(description, "description");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.secret = secret;
    }

    /**
     * A setting of any type.
     *
     * @param defaultValue may be null for "none"
     * @param defaultText  how the default is shown in the table
     * @param allowed      how the allowed values are shown in the table
     */
    public static <T> Setting<T> of(String name, Class<T> type, T defaultValue, String defaultText, String allowed,
            String description, Parser<T> parser) {
        return new Setting<>(name, type, defaultValue, defaultText, allowed, description, parser, false);
    }

    /** Any string, taken as is (empty allowed). */
    public static Setting<String> string(String name, String defaultValue, String description) {
        return of(name, String.class, defaultValue, show(defaultValue), "any text", description, raw -> raw);
    }

    /** A string that is not empty or only white space (stripped). */
    public static Setting<String> nonBlank(String name, String defaultValue, String description) {
        return of(name, String.class, defaultValue, show(defaultValue), "non-empty text", description, raw -> {
            if (raw.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return raw.strip();
        });
    }

    /** A string matching a pattern (stripped); {@code allowed} describes the pattern for people. */
    public static Setting<String> matching(String name, String defaultValue, Pattern pattern, String allowed,
            String description) {
        return of(name, String.class, defaultValue, show(defaultValue), allowed, description, raw -> {
            String value = raw.strip();
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException(value.isEmpty() ? "must not be empty; allowed: " + allowed
                        : "not allowed; allowed: " + allowed);
            }
            return value;
        });
    }

    /** A whole number in [min, max]. */
    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return of(name, Integer.class, defaultValue, Integer.toString(defaultValue), min + " .. " + max,
                description, raw -> {
                    long v = parseLong(raw, min, max);
                    return (int) v;
                });
    }

    /** A whole number in [min, max]. */
    public static Setting<Long> longInteger(String name, long defaultValue, long min, long max, String description) {
        return of(name, Long.class, defaultValue, Long.toString(defaultValue), min + " .. " + max, description,
                raw -> parseLong(raw, min, max));
    }

    /** {@code true} or {@code false} (any case). */
    public static Setting<Boolean> bool(String name, boolean defaultValue, String description) {
        return of(name, Boolean.class, defaultValue, Boolean.toString(defaultValue), "true, false", description,
                raw -> {
                    String v = raw.strip().toLowerCase(Locale.ROOT);
                    if (v.equals("true") || v.equals("false")) {
                        return Boolean.valueOf(v);
                    }
                    throw new IllegalArgumentException("not a boolean; allowed: true, false");
                });
    }

    /** One of an enum's constants, written in lower case with '-' for '_' (e.g. {@code on-demand}). */
    public static <E extends Enum<E>> Setting<E> oneOf(String name, Class<E> type, E defaultValue,
            String description) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Setting::enumText)
                .collect(Collectors.joining(", "));
        return of(name, type, defaultValue, defaultValue == null ? "(none)" : enumText(defaultValue), allowed,
                description, raw -> {
                    String v = raw.strip();
                    for (E e : type.getEnumConstants()) {
                        if (enumText(e).equalsIgnoreCase(v) || e.name().equalsIgnoreCase(v)) {
                            return e;
                        }
                    }
                    throw new IllegalArgumentException("not allowed; allowed: " + allowed);
                });
    }

    /**
     * A duration in [min, max], written as {@link DurationText#parse} reads it: {@code 500ms}, {@code 30s},
     * {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}).
     */
    public static Setting<Duration> duration(String name, Duration defaultValue, Duration min, Duration max,
            String description) {
        String range = DurationText.format(min) + " .. " + DurationText.format(max);
        return of(name, Duration.class, defaultValue, DurationText.format(defaultValue),
                range + " (e.g. 500ms, 30s, 5m, 2h)", description, raw -> {
                    Duration d = DurationText.parse(raw.strip());
                    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                        throw new IllegalArgumentException("out of range " + range);
                    }
                    return d;
                });
    }

    /** The same setting, with its value hidden in errors and logs (passwords, tokens). */
    public Setting<T> secret() {
        return new Setting<>(name, type, defaultValue, defaultText, allowed, description, parser, true);
    }

    /**
     * Parses a raw value.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    public T parse(String raw) {
        T value = parser.parse(raw);
        if (value == null) {
            throw new IllegalArgumentException("has no value");
        }
        return value;
    }

    /** The environment variable name, e.g. {@code SDFLEET_BOOTSTRAP_SERVERS}. */
    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** The value used when the variable is not set; may be null ("none"). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as shown in the table. */
    public String defaultText() {
        return defaultText;
    }

    /** The allowed values as shown in the table. */
    public String allowed() {
        return allowed;
    }

    /** One sentence saying what the setting does. */
    public String description() {
        return description;
    }

    /** Whether the value must not appear in errors or logs. */
    public boolean isSecret() {
        return secret;
    }

    @Override
    public String toString() {
        return name;
    }

    private static String show(String defaultValue) {
        return defaultValue == null ? "(none)" : defaultValue;
    }

    private static String enumText(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static long parseLong(String raw, long min, long max) {
        String v = raw.strip().replace("_", "");
        long parsed;
        try {
            parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number; allowed: " + min + " .. " + max);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("out of range " + min + " .. " + max);
        }
        return parsed;
    }
}
