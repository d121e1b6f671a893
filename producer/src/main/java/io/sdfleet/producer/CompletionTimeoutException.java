package io.sdfleet.producer;

import io.sdfleet.common.config.DurationText;
import io.sdfleet.common.Completion;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * No completion event arrived for some jobs within the caller's timeout. The jobs may still be queued
 * or running; nothing was lost. Carries the completions that did arrive, so a caller waiting for many
 * jobs keeps them.
 *
 * <p>What to do: wait again (the completion stays on the topic), or give up on the missing jobs.
 */
public class CompletionTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, Completion> received;
    private final Set<String> missing;
    private final Duration timeout;

    public CompletionTimeoutException(Set<String> missing, Map<String, Completion> received, Duration timeout) {
        super("no completion within " + DurationText.format(timeout) + " for " + missing.size() + " job(s): "
                + preview(missing));
        this.missing = Collections.unmodifiableSet(new LinkedHashSet<>(missing));
        this.received = Collections.unmodifiableMap(new LinkedHashMap<>(received));
        this.timeout = timeout;
    }

    /** Job ids with no completion yet, in the order they were asked for. */
    public Set<String> missing() {
        return missing;
    }

    /** Completions that did arrive in time, by job id, in the order they were asked for. */
    public Map<String, Completion> received() {
        return received;
    }

    /** The timeout that ran out. */
    public Duration timeout() {
        return timeout;
    }

    private static String preview(Set<String> ids) {
        int shown = 5;
        String head = String.join(", ", ids.stream().limit(shown).toList());
        return ids.size() > shown ? head + ", ..." : head;
    }
}
