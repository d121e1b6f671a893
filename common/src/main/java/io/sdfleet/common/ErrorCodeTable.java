package io.sdfleet.common;

/**
 * Renders the README's tables of the codes a caller can meet: completion error codes ({@link ErrorCode}) and
 * DLQ reasons ({@link FailureReason}). Generated so the README cannot drift from the catalogue; a test
 * compares them.
 */
public final class ErrorCodeTable {

    private ErrorCodeTable() {
    }

    /** The completion error codes: code | status | meaning. */
    public static String completionCodes() {
        StringBuilder sb = new StringBuilder("| `error.code` | status | meaning |\n|---|---|---|\n");
        for (ErrorCode code : ErrorCode.values()) {
            sb.append("| `").append(code.code()).append("` | ").append(code.status()).append(" | ")
                    .append(code.description()).append(" |\n");
        }
        return sb.toString();
    }

    /** The DLQ reasons: reason | meaning. */
    public static String deadLetterReasons() {
        StringBuilder sb = new StringBuilder("| `sdfleet-dlq-reason` | meaning |\n|---|---|\n");
        for (FailureReason reason : FailureReason.values()) {
            sb.append("| `").append(reason.code()).append("` | ").append(reason.description()).append(" |\n");
        }
        return sb.toString();
    }
}
