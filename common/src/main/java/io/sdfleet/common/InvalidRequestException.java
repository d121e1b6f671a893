package io.sdfleet.common;

import java.util.List;

/**
 * A job request is invalid: thrown by {@link JobCodec#decodeRequest(byte[])} and by producers that
 * validate before sending. Not retriable; see {@link InvalidRecordException} for what a worker does.
 */
public class InvalidRequestException extends InvalidRecordException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(FailureReason reason, List<Violation> violations, String jobId) {
        super(reason, violations, jobId);
    }

    /** An INVALID_FIELDS exception for a request built in code (no wire record). */
    public InvalidRequestException(List<Violation> violations, String jobId) {
        this(FailureReason.INVALID_FIELDS, violations, jobId);
    }
}
