package io.sdfleet.producer;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Trace ids for the {@code sdfleet-trace-id} header: 32 lower-case hex digits (128 random bits), the
 * W3C Trace Context trace-id form, so that they can be handed to a tracing system as they are.
 * A caller's own trace id is accepted as given if it is 1..{@value #MAX_CHARS} printable ASCII characters.
 */
public final class TraceIds {

    /** Longest accepted caller trace id. */
    public static final int MAX_CHARS = 256;

    private TraceIds() {
    }

    /** A new random trace id. */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    /**
     * Checks a caller's trace id.
     *
     * @throws IllegalArgumentException when it is empty, too long or not printable ASCII
     */
    public static String requireValid(String traceId) {
        if (traceId == null || traceId.isEmpty() || traceId.length() > MAX_CHARS
                || !traceId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("trace id must be 1.." + MAX_CHARS
                    + " printable ASCII characters without spaces, got: " + traceId);
        }
        return traceId;
    }
}
