package io.sdfleet.producer;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Generates job ids as time-ordered UUIDs, version 7 (RFC 9562, section 5.7), in canonical lower-case
 * form: {@code 0190b6f2-3c1a-7d2e-9f10-1a2b3c4d5e6f}.
 *
 * <p>Why version 7: the id sorts by creation time (lexicographically, because the text is fixed-width
 * hex), so object keys and logs of one period sit together, and {@link #timestampOf(String)} tells
 * {@code awaitCompletion} where in the completion topic to start reading even for a job submitted by
 * another process.
 *
 * <p>Layout (128 bits): 48-bit Unix epoch milliseconds | version 4 bits (0111) | 12-bit sequence |
 * variant 2 bits (10) | 62 random bits. The 12-bit sequence is the RFC's "fixed-length dedicated
 * counter" (method 1): it starts at a random value below 2048 in each new millisecond and counts up
 * within it; when it overflows, the carry goes into the timestamp (the id's time runs up to a
 * millisecond ahead of the clock, as the RFC allows). Timestamp and sequence are kept packed in one
 * {@link AtomicLong} that only grows, so ids from one generator are strictly increasing — also across
 * threads and when the wall clock steps back — without a lock.
 *
 * <p>Thread-safe. The random bits come from {@link ThreadLocalRandom}: unique in practice across
 * processes (62 bits per id plus the random sequence start), but not meant to be unguessable; job ids
 * are not secrets.
 */
public final class JobIdGenerator {

    /** Canonical text form of a version-7 UUID with the RFC variant. */
    private static final Pattern UUID_V7 =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final int SEQUENCE_BITS = 12;
    /** A new millisecond starts its sequence below this, leaving at least 2048 ids before a carry. */
    private static final int SEQUENCE_START_BOUND = 1 << (SEQUENCE_BITS - 1);
    private static final long MAX_TIMESTAMP_MS = (1L << 48) - 1;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Clock clock;
    /** (timestamp ms << 12) | sequence of the last id handed out; only ever grows. */
    private final AtomicLong last = new AtomicLong();

    /** A generator on the system clock. */
    public JobIdGenerator() {
        this(Clock.systemUTC());
    }

    /** A generator on the given clock (tests inject a fixed or stepping clock). */
    public JobIdGenerator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The next id: later than every id this generator handed out before. */
    public String next() {
        long packed = nextTimestampAndSequence();
        long msb = ((packed >>> SEQUENCE_BITS) << 16) | 0x7000L | (packed & 0x0FFFL);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return format(msb, lsb);
    }

    private long nextTimestampAndSequence() {
        long nowMs = clock.millis();
        if (nowMs < 0 || nowMs > MAX_TIMESTAMP_MS) {
            throw new IllegalStateException("clock out of the UUIDv7 range: " + nowMs + " ms");
        }
        while (true) {
            long previous = last.get();
            long next;
            if (nowMs > (previous >>> SEQUENCE_BITS)) {
                next = (nowMs << SEQUENCE_BITS) | ThreadLocalRandom.current().nextInt(SEQUENCE_START_BOUND);
            } else {
                // Same millisecond (or the clock stepped back): count up; an overflowing sequence
                // carries into the timestamp, which keeps the order.
                next = previous + 1;
            }
            if (last.compareAndSet(previous, next)) {
                return next;
            }
        }
    }

    private static String format(long msb, long lsb) {
        char[] out = new char[36];
        int pos = 0;
        for (int nibble = 15; nibble >= 0; nibble--) {
            pos = putNibble(out, pos, (int) (msb >>> (nibble * 4)) & 0xF);
            if (nibble == 8 || nibble == 4) {
                out[pos++] = '-';
            }
        }
        out[pos++] = '-';
        for (int nibble = 15; nibble >= 0; nibble--) {
            pos = putNibble(out, pos, (int) (lsb >>> (nibble * 4)) & 0xF);
            if (nibble == 12) {
                out[pos++] = '-';
            }
        }
        return new String(out);
    }

    private static int putNibble(char[] out, int pos, int value) {
        out[pos] = HEX[value];
        return pos + 1;
    }

    /** Whether {@code id} is a canonical lower-case version-7 UUID (as this class makes them). */
    public static boolean isUuidV7(String id) {
        return id != null && UUID_V7.matcher(id).matches();
    }

    /**
     * The creation time embedded in a version-7 UUID job id, or empty when {@code id} is not one
     * (callers may choose their own job ids).
     */
    public static Optional<Instant> timestampOf(String id) {
        if (!isUuidV7(id)) {
            return Optional.empty();
        }
        String hex = id.substring(0, 8) + id.substring(9, 13);
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(hex, 16)));
    }
}
