package io.sdfleet.common;

/**
 * Why a record was refused and sent to the dead-letter topic.
 *
 * <p>The reason is public API: it is written into the {@code sdfleet-dlq-reason} header and the failure
 * event, and operators alert and replay by it. Add constants only; never rename one. The reasons are
 * ordered by the stage that finds them: bytes, JSON, schema, fields.
 */
public enum FailureReason {
    /** The record value was null (a tombstone) or had no bytes, or only white space. */
    EMPTY_RECORD("The record value was null (a tombstone), empty, or only white space."),
    /** The record was larger than {@link JobRequestLimits#MAX_RECORD_BYTES}; it was not parsed. */
    RECORD_TOO_LARGE("The record is larger than " + JobRequestLimits.MAX_RECORD_BYTES + " bytes; it was not parsed."),
    /** The bytes are not valid UTF-8. */
    NOT_UTF8("The bytes are not valid UTF-8."),
    /** The text is not one complete JSON value (truncated, syntax error, duplicate key, trailing garbage). */
    MALFORMED_JSON("Not one complete JSON value (truncated, syntax error, duplicate key, trailing garbage)."),
    /** The JSON is valid but not an object (an array, string, number, boolean or null). */
    NOT_A_JSON_OBJECT("Valid JSON, but not an object."),
    /** The {@code schema} field names a major version or record type this build does not read. */
    UNSUPPORTED_SCHEMA("`schema` names a major version or record type this build does not read."),
    /** One or more fields have a wrong type or a value out of range; the violations list them all. */
    INVALID_FIELDS("A field has a wrong type or a value out of range, or `jobId`/`seed` is missing; the message"
            + " lists every violation (e.g. `width: 500 is not a multiple of 8`).");

    private final String description;

    FailureReason(String description) {
        this.description = description;
    }

    /** One sentence for the README's table (Markdown). */
    public String description() {
        return description;
    }

    /** The stable code written to headers and events; equal to {@link #name()}. */
    public String code() {
        return name();
    }
}
