package io.sdfleet.common;

/**
 * Why a valid job did not succeed.
 *
 * @param code stable, upper-case code to branch on (e.g. {@code MODEL_NOT_FOUND}, {@code EXPIRED})
 * @param message human-readable detail; never parse it
 */
public record ErrorInfo(String code, String message) {
}
