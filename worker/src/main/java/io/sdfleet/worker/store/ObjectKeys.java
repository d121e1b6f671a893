package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import io.sdfleet.common.JobIds;
import java.util.Objects;

/**
 * Object keys of sdfleet: {@code <prefix>/<jobId>/<index>.png}, or {@code <jobId>/<index>.png} when the
 * prefix is empty. The layout is public (DESIGN "Keys"): a redelivered or replayed job writes the same keys.
 *
 * <p>Job ids follow the contract's one rule ({@link JobIds}), which is also the rule for a safe key segment; the
 * worker refuses other ids at intake (DLQ), so an id this class refuses is a bug upstream of it, never a job's
 * fault: it throws IllegalArgumentException (unchecked) rather than a job error.
 */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    /**
     * The key of image {@code index} of job {@code jobId}.
     *
     * @param prefix validated prefix ({@link StoreSettings#PREFIX}); may be empty
     * @throws IllegalArgumentException for an id that breaks the contract's rule ({@link JobIds}), a negative
     *                                  index or a prefix with a leading or trailing '/'
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
        JobIds.problem(jobId).ifPresent(problem -> {
            throw new IllegalArgumentException("job id '" + jobId + "' " + problem + " (intake refuses such ids)");
        });
        String tail = jobId + "/" + index + ".png";
        return prefix.isEmpty() ? tail : prefix + "/" + tail;
    }
}
