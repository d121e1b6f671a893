package io.sdfleet.common;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A record read from a topic cannot be used: its bytes, JSON, schema or fields are wrong.
 *
 * <p>What to do: do not retry (the same bytes fail the same way). A worker sends the original record to
 * the DLQ with {@link #reason()} and {@link #violations()} in its headers and failure event, commits, and
 * moves on. The message lists every violation; it never contains a stack trace of the parser.
 * {@link InvalidRequestException} is the form thrown for job requests.
 */
public class InvalidRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureReason reason;
    private final transient List<Violation> violations;
    private final String jobId;

    /**
     * @param reason     why the record was refused
     * @param violations at least one; every violated field
     * @param jobId      the record's job id if one could be read (for the failure event), else null
     */
    public InvalidRecordException(FailureReason reason, List<Violation> violations, String jobId) {
        super(describe(reason, violations));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.violations = List.copyOf(violations);
        this.jobId = jobId;
    }

    /** Why the record was refused. */
    public FailureReason reason() {
        return reason;
    }

    /** Every violated field, in field order; never empty. */
    public List<Violation> violations() {
        return violations;
    }

    /** The job id found in the record, if it had a well-formed one. */
    public Optional<String> jobId() {
        return Optional.ofNullable(jobId);
    }

    private static String describe(FailureReason reason, List<Violation> violations) {
        StringBuilder sb = new StringBuilder(reason.code()).append(": ");
        for (int i = 0; i < violations.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(violations.get(i));
        }
        return sb.toString();
    }
}
