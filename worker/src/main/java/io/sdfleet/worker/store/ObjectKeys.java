package io.sdfleet.worker.store;

import java.util.Objects;

/**
 * Object keys of sdfleet: {@code <prefix>/<jobId>/<index>.png}, or {@code <jobId>/<index>.png} when the
 * prefix is empty. The layout is public (DESIGN "Keys"): a redelivered or replayed job writes the same keys.
 *
 * <p>The contract already restricts job ids to {@code [A-Za-z0-9._:-]}; this class refuses '/', "..", a
 * leading '.' and empty ids again anyway, because a key that escapes its folder would overwrite another job's
 * images.
 */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    /**
     * The key of image {@code index} of job {@code jobId}.
     *
     * @param prefix validated prefix ({@link StoreSettings#PREFIX}); may be empty
     * @throws IllegalArgumentException for an unsafe job id, a negative index or a prefix with a leading or
     *                                  trailing '/'
     */
    public static String imageKey(String prefix, String jobId, int index) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(jobId, "jobId");
        if (index < 0) {
            throw new IllegalArgumentException("image index must be >= 0: " + index);
        }
        if (prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must not start or end with '/': '" + prefix + "'");
        }
        if (jobId.isEmpty() || jobId.indexOf('/') >= 0 || jobId.indexOf('\\') >= 0 || jobId.contains("..")
                || jobId.startsWith(".")) {
            throw new IllegalArgumentException("job id not usable in an object key: '" + jobId + "'");
        }
        for (int i = 0; i < jobId.length(); i++) {
            char c = jobId.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("job id not usable in an object key: '" + jobId + "'");
            }
        }
        String tail = jobId + "/" + index + ".png";
        return prefix.isEmpty() ? tail : prefix + "/" + tail;
    }
}
