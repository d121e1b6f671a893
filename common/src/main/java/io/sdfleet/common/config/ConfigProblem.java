package io.sdfleet.common.config;

/**
 * One bad setting: which variable, what it was set to, and what is allowed.
 *
 * @param key     environment variable name
 * @param value   the value found; null when unset; {@value #HIDDEN} for secrets
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(String key, String value, String message) {

    /** Shown instead of the value of a secret setting. */
    public static final String HIDDEN = "****";

    @Override
    public String toString() {
        return key + (value == null ? " (unset)" : "='" + value + "'") + ": " + message;
    }
}
