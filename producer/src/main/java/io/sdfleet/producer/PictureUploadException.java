package io.sdfleet.producer;

/**
 * A request's local picture could not be uploaded, so nothing was sent: no object store configured, the file
 * unreadable or not a PNG or JPEG, or the store refused or could not be reached. The message says which and
 * what to do.
 */
public final class PictureUploadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PictureUploadException(String message) {
        super(message);
    }

    public PictureUploadException(String message, Throwable cause) {
        super(message, cause);
    }
}
