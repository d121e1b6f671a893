package io.sdfleet.common;

import java.util.Objects;

/**
 * One violated field of a record, with a message a person can act on.
 *
 * <p>The field is the JSON name ({@code "width"}, {@code "metadata.owner"}, or {@code "$"} for the record as a
 * whole); the message says what is wrong with the value and what is allowed, e.g.
 * {@code Violation("width", "500 is not a multiple of 8")}. {@link #toString()} gives
 * {@code "width: 500 is not a multiple of 8"}, the form used in logs and DLQ headers.
 *
 * @param field JSON path of the field, never null
 * @param message what is wrong and what is allowed, never null
 */
public record Violation(String field, String message) {

    /** Field name used for problems of the record as a whole (bad bytes, bad JSON, too large). */
    public static final String RECORD = "$";

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
