package io.sdfleet.common;

import java.util.regex.Pattern;

/**
 * What a served model's name may be: it becomes part of a Kafka topic name ({@code sd.requests.<model>}) and
 * of a consumer group id, so it is held to Kafka's topic characters, starting with a letter or digit. A
 * request's {@code model} field may hold any text (≤ 256 characters); a request naming a model that could
 * never be served is refused by the producer when it routes it (no topic can carry it).
 */
public final class ModelNames {

    /** 1..100 of A-Z a-z 0-9 . _ -, starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** The rule above, for people. */
    public static final String ALLOWED = "1..100 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

    private ModelNames() {
    }

    /** Whether {@code name} can be a served model's name. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * {@code name} stripped, when it is a valid model name.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    public static String require(String name) {
        String v = name == null ? "" : name.strip();
        if (!isValid(v)) {
            throw new IllegalArgumentException("'" + v + "' is not a model name; allowed: " + ALLOWED);
        }
        return v;
    }
}
