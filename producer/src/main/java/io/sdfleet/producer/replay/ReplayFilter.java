package io.sdfleet.producer.replay;

import io.sdfleet.common.JobRequest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which requests of the range are replayed: those whose jobId is one of {@code jobIds} (when any are
 * given) and whose metadata holds every {@code metadata} entry with exactly that value (when any are
 * given). Both empty: every request of the range. Matching is exact and case-sensitive.
 *
 * @param jobIds   original job ids to replay; empty for any
 * @param metadata entries every replayed request's metadata must contain; empty for any
 */
public record ReplayFilter(Set<String> jobIds, Map<String, String> metadata) {

    /** Every request of the range. */
    public static final ReplayFilter ALL = new ReplayFilter(Set.of(), Map.of());

    public ReplayFilter {
        jobIds = jobIds == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(jobIds));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Whether the request (as read from the topic) is to be replayed. */
    public boolean matches(JobRequest original) {
        if (!jobIds.isEmpty() && !jobIds.contains(original.jobId())) {
            return false;
        }
        for (Map.Entry<String, String> wanted : metadata.entrySet()) {
            if (!wanted.getValue().equals(original.metadata().get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
