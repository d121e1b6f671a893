package io.sdfleet.worker.kafka;

import java.util.Collections;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * Records of a partition that are done although an earlier record is not: their completions or DLQ records
 * were committed, and their offsets lie above the partition's committed offset, which must stay below the
 * earliest unfinished record. The set travels in the committed offset's metadata string, written in the same
 * transaction as those completions, so whoever consumes the partition next (this worker after a rewind, another
 * after a rebalance, a restart after kill -9) skips exactly those records: a finished job's completion goes out
 * at once instead of waiting for a slow job taken before it, and still never twice.
 *
 * <p>Format, version 1: {@code sdfleet-done-ahead:1:<base>:<list>}, where base is the committed offset the set
 * belongs to and the list holds comma-separated offsets relative to base, runs as {@code first-last}
 * ({@code "sdfleet-done-ahead:1:120:2,5-9"} = 122, 125..129). Metadata that is empty, foreign, of another
 * version, malformed or written for another base (an operator reset the offset) means "nothing done ahead":
 * the records are processed again, which is what a reset asks for.
 *
 * @param base    the committed offset (the next record to consume)
 * @param offsets offsets at or above base that are done, ascending (base itself when the next record to
 *                consume is one of them)
 */
public record DoneAhead(long base, NavigableSet<Long> offsets) {

    static final String PREFIX = "sdfleet-done-ahead:1:";
    /**
     * Longest metadata written. Brokers refuse a commit whose metadata exceeds offset.metadata.max.bytes (4096
     * by default); a broker set below this value would refuse such commits every time (not handled: the unit is
     * rejected and redone). Work that would not fit is held back, as without this set, until the records below
     * it are done.
     */
    static final int MAX_METADATA_CHARS = 1024;
    /**
     * Most offsets one set holds, written or read (runs make a short string stand for many): the writer holds
     * work back beyond it, the reader refuses a longer list as not ours, so both agree on every set written.
     */
    static final int MAX_OFFSETS = 100_000;

    public DoneAhead {
        TreeSet<Long> copy = new TreeSet<>(offsets);
        if (!copy.isEmpty() && copy.first() < base) {
            throw new IllegalArgumentException("done-ahead offset " + copy.first() + " below base " + base);
        }
        offsets = Collections.unmodifiableNavigableSet(copy);
    }

    static DoneAhead none(long base) {
        return new DoneAhead(base, new TreeSet<>());
    }

    /** What the committed offset says is done above it; nothing when there is no committed offset. */
    static DoneAhead of(OffsetAndMetadata committed) {
        if (committed == null) {
            return none(-1);
        }
        return parse(committed.offset(), committed.metadata()).orElse(none(committed.offset()));
    }

    /**
     * The set in {@code metadata} when it is ours and written for {@code base}. Total: any other string (also
     * one with our prefix and numbers that overflow or ask for more than {@link #MAX_OFFSETS}) reads as not
     * ours, because this runs when a partition is assigned, and a throw there would stop every worker that
     * takes the partition.
     */
    static Optional<DoneAhead> parse(long base, String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = metadata.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(parts[0]) != base || base < 0) {
                return Optional.empty();
            }
            TreeSet<Long> offsets = new TreeSet<>();
            if (!parts[1].isEmpty()) {
                for (String run : parts[1].split(",", -1)) {
                    int dash = run.indexOf('-');
                    long first = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
                    long last = dash < 0 ? first : Long.parseLong(run.substring(dash + 1));
                    if (first < 0 || last < first || last > Long.MAX_VALUE - base
                            || last - first >= MAX_OFFSETS - offsets.size()) {
                        return Optional.empty();
                    }
                    for (long d = first; d <= last; d++) { // cannot wrap: last < Long.MAX_VALUE - base
                        offsets.add(base + d);
                    }
                }
            }
            return Optional.of(new DoneAhead(base, offsets));
        } catch (RuntimeException e) { // NumberFormatException; nothing else is expected, and nothing may escape
            return Optional.empty();
        }
    }

    /** Whether this set may be committed: the reader ({@link #parse}) reads back exactly what it holds. */
    boolean fits() {
        return offsets.size() <= MAX_OFFSETS && metadata().length() <= MAX_METADATA_CHARS;
    }

    /** The metadata string; empty when nothing is done ahead (what a commit without this set writes). */
    String metadata() {
        if (offsets.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(PREFIX).append(base).append(':');
        Long runStart = null;
        long previous = 0;
        for (long o : offsets) {
            if (runStart != null && o == previous + 1) {
                previous = o;
                continue;
            }
            if (runStart != null) {
                appendRun(out, runStart, previous);
            }
            runStart = o;
            previous = o;
        }
        appendRun(out, runStart, previous);
        return out.toString();
    }

    private void appendRun(StringBuilder out, long first, long last) {
        if (out.charAt(out.length() - 1) != ':') {
            out.append(',');
        }
        out.append(first - base);
        if (last > first) {
            out.append('-').append(last - base);
        }
    }

    /** The offset to commit with this set as its metadata. */
    OffsetAndMetadata commitOffset() {
        return new OffsetAndMetadata(base, metadata());
    }
}
