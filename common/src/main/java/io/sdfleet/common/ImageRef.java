package io.sdfleet.common;

/**
 * Where one generated image was stored.
 *
 * @param bucket object-store bucket
 * @param key object key, {@code <prefix>/<jobId>/<index>.png}; a redelivered job overwrites the same keys
 * @param url presigned GET URL (expires; may be null when presigning is disabled)
 * @param width image width in pixels
 * @param height image height in pixels
 * @param seed the seed this image was generated with (request seed + index)
 * @param sha256 lower-case hex SHA-256 of the PNG bytes
 */
public record ImageRef(String bucket, String key, String url, int width, int height, long seed, String sha256) {
}
