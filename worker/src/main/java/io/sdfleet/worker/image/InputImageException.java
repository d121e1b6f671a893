package io.sdfleet.worker.image;

import java.util.Objects;

/**
 * An uploaded init image or mask that cannot be used: not an image, a format or layout not accepted, larger than
 * the configured limits, or damaged. The job that supplied it fails (the contract's {@code INIT_IMAGE_INVALID});
 * nothing else is affected, and retrying the same bytes gives the same answer.
 *
 * <p>The {@link Reason} says which kind of problem it is (for metrics and tests); the message says what was
 * found, for the job's failure text.
 */
public final class InputImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the bytes. */
    public enum Reason {
        /** Neither a PNG nor a JPEG signature (a text file named .png, an empty object). */
        NOT_AN_IMAGE,
        /** A real image in a format or layout the worker does not take (GIF, WebP, CMYK JPEG, 16-bit grey PNG). */
        UNSUPPORTED_FORMAT,
        /** The header declares a size over the configured limits; nothing was decoded. */
        TOO_LARGE,
        /** A PNG or JPEG whose structure or data is broken or truncated. */
        CORRUPT
    }

    private final Reason reason;

    public InputImageException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public InputImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
