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
    EMPTY_RECORD,
    /** The record was larger than {@link JobRequestLimits#MAX_RECORD_BYTES}; it was not parsed. */
    RECORD_TOO_LARGE,
    /** The bytes are not valid UTF-8. */
    NOT_UTF8,
    /** The text is not one complete JSON value (truncated, syntax error, duplicate key, trailing garbage). */
    MALFORMED_JSON,
    /** The JSON is valid but not an object (an array, string, number, boolean or null). */
    NOT_A_JSON_OBJECT,
    /** The {@code schema} field names a major version or record type this build does not read. */
    UNSUPPORTED_SCHEMA,
    /** One or more fields have a wrong type or a value out of range; the violations list them all. */
    INVALID_FIELDS;

    /** The stable code written to headers and events; equal to {@link #name()}. */
    public String code() {
        return name();
    }
}
