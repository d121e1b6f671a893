package io.sdfleet.local.demo;

import io.sdfleet.common.ImageRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fetches a stored image the way a downstream service would: an HTTP GET of the presigned URL in the
 * completion event (no S3 credentials needed), checks the bytes against the event's sha256, and saves them
 * as {@code <outDir>/<jobId>/<index>.png}.
 *
 * <p>Failures are {@link DownloadException}s with a message for the person at the terminal (HTTP status,
 * checksum mismatch, file system); the demo reports them and exits non-zero. Thread-safe (the JDK client is).
 */
public final class ImageDownloader {

    /** Bound of connecting and of each whole request. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Path outDir;

    public ImageDownloader(Path outDir) {
        this.outDir = outDir;
    }

    /** Where the image {@code index} of job {@code jobId} is saved. */
    public Path fileFor(String jobId, int index) {
        return outDir.resolve(jobId).resolve(index + ".png");
    }

    /**
     * Downloads one image and saves it.
     *
     * @return the saved file
     * @throws DownloadException the URL does not answer 200, the bytes do not match the sha256, or the file
     *                           cannot be written
     */
    public Path download(String jobId, int index, ImageRef image) throws DownloadException, InterruptedException {
        if (image.url() == null) {
            throw new DownloadException("the completion of " + jobId + " has no URL for image " + index);
        }
        byte[] bytes;
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(image.url())).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new DownloadException("GET of image " + index + " of " + jobId + " answered HTTP "
                        + response.statusCode());
            }
            bytes = response.body();
        } catch (IOException | IllegalArgumentException e) {
            throw new DownloadException("cannot fetch image " + index + " of " + jobId + ": " + e, e);
        }
        String actual = io.sdfleet.common.ObjectReference.sha256Hex(bytes);
        if (image.sha256() != null && !image.sha256().equalsIgnoreCase(actual)) {
            throw new DownloadException("image " + index + " of " + jobId + " has sha256 " + actual
                    + " but the completion says " + image.sha256());
        }
        Path file = fileFor(jobId, index);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new DownloadException("cannot save " + file + ": " + e.getMessage(), e);
        }
        return file;
    }


    /** An image could not be fetched or saved; the message says which and why. */
    public static final class DownloadException extends Exception {
        private static final long serialVersionUID = 1L;

        DownloadException(String message) {
            super(message);
        }

        DownloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
