package io.sdfleet.local.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What every completions topic promises, written once for the worker and the end-to-end tests (STYLE 18):
 * the scenarios differ in how they start workers, not in what "delivered exactly once" or "the object is the
 * one the event names" means.
 */
public final class CompletionAssertions {

    private CompletionAssertions() {
    }

    /** Each request has exactly one completion, and no completion is for anything else; returns them by job id. */
    public static Map<String, Completion> everyRequestHasExactlyOneCompletion(List<JobRequest> requests,
            List<Completion> completions) {
        Map<String, Long> counts = completions.stream()
                .collect(Collectors.groupingBy(Completion::jobId, TreeMap::new, Collectors.counting()));
        Set<String> expected = requests.stream().map(JobRequest::jobId).collect(Collectors.toSet());
        assertEquals(expected, counts.keySet(), "jobs with a completion");
        counts.forEach((job, n) -> assertEquals(1L, n, "completions of " + job));
        return completions.stream().collect(Collectors.toMap(Completion::jobId, Function.identity()));
    }

    /** The lower-case hex SHA-256 of {@code bytes}, as completion events carry it for each stored image. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
