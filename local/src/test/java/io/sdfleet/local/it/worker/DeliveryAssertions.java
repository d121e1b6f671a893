package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.CompletionAssertions.everyRequestHasExactlyOneCompletion;
import static io.sdfleet.local.it.CompletionAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.it.CompletionAssertions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The worker's delivery guarantees, written once and used by every worker scenario (STYLE 18); exactly-once
 * delivery and the image hash are shared with the end-to-end tests through {@link CompletionAssertions}.
 */
final class DeliveryAssertions {

    private DeliveryAssertions() {
    }

    /** Each request has at least one completion (at-least-once: a redelivery may write another). */
    static Map<String, Completion> everyRequestHasAtLeastOneCompletion(List<JobRequest> requests,
            List<Completion> completions) {
        Set<String> seen = completions.stream().map(Completion::jobId).collect(Collectors.toSet());
        for (JobRequest r : requests) {
            assertTrue(seen.contains(r.jobId()), "no completion for " + r.jobId());
        }
        Set<String> expected = requests.stream().map(JobRequest::jobId).collect(Collectors.toSet());
        assertTrue(expected.containsAll(seen), "completions for unknown jobs: " + seen);
        return completions.stream().collect(Collectors.toMap(Completion::jobId, Function.identity(), (a, b) -> b));
    }

    /** Exactly-once where transactions are on, at-least-once where they are off. */
    static Map<String, Completion> deliveredPerMode(WorkerScenario s, List<JobRequest> requests,
            List<Completion> completions) {
        return s.transactions ? everyRequestHasExactlyOneCompletion(requests, completions)
                : everyRequestHasAtLeastOneCompletion(requests, completions);
    }

    /**
     * Succeeded jobs stored numImages objects each, under {@code <prefix>/<jobId>/<index>.png}, whose bytes
     * hash to the sha256 in the event; nothing else is under the prefix.
     */
    static void objectsMatchTheCompletions(WorkerScenario s, Map<String, Completion> byJob) throws Exception {
        int expected = 0;
        for (Completion c : byJob.values()) {
            if (c.status() != CompletionStatus.SUCCEEDED) {
                continue;
            }
            assertEquals(c.request().numImages(), c.images().size(), "images of " + c.jobId());
            for (int i = 0; i < c.images().size(); i++) {
                ImageRef ref = c.images().get(i);
                assertEquals(s.corner.prefix() + "/" + c.jobId() + "/" + i + ".png", ref.key());
                assertEquals(c.request().seed() + i, ref.seed());
                assertNotNull(ref.url(), "presigned url");
                assertEquals(ref.sha256(), sha256(s.object(ref.key())), "sha256 of " + ref.key());
            }
            expected += c.images().size();
        }
        assertEquals(expected, s.objectKeys().size(), "objects under " + s.corner.prefix());
    }

    /** The group committed every partition up to its end: last processed offset + 1. */
    static void committedOffsetIsLastProcessedPlusOne(WorkerScenario s) {
        Map<Integer, Long> end = s.endOffsets();
        Map<Integer, Long> committed = s.committedOffsets();
        end.forEach((partition, offset) -> {
            if (offset > 0) {
                assertEquals(offset, committed.get(partition), "committed offset of partition " + partition);
            }
        });
    }

    /**
     * For every partition, the committed offset is the offset of the last processed request + 1, where
     * the processed requests are {@code processedJobs} (a prefix of each partition); nothing committed
     * where none was processed.
     */
    static void committedOffsetIsLastProcessedPlusOne(WorkerScenario s, Set<String> processedJobs) {
        Map<Integer, Long> expected = new TreeMap<>();
        s.sent.forEach((jobId, meta) -> {
            if (processedJobs.contains(jobId)) {
                expected.merge(meta.partition(), meta.offset() + 1, Math::max);
            }
        });
        Map<Integer, Long> committed = new TreeMap<>(s.committedOffsets());
        committed.values().removeIf(o -> o == 0);
        assertEquals(expected, committed, "committed offsets by partition");
    }
}
