package io.sdfleet.common;

/**
 * Why a valid job did not succeed.
 *
 * @param code stable, upper-case code to branch on (one of {@link ErrorCode})
 * @param message human-readable detail; never parse it
 */
public record ErrorInfo(String code, String message) {
}
