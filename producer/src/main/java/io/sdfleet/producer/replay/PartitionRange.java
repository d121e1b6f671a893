package io.sdfleet.producer.replay;

/**
 * The offsets of one partition a replay reads: {@code [start, endExclusive)}. Empty when
 * {@code start >= endExclusive}.
 *
 * @param partition    partition number
 * @param start        first offset read
 * @param endExclusive first offset not read
 */
public record PartitionRange(int partition, long start, long endExclusive) {

    /** How many offsets the range spans (records, transaction markers and compacted gaps included). */
    public long span() {
        return Math.max(0, endExclusive - start);
    }

    /** Whether there is nothing to read. */
    public boolean isEmpty() {
        return span() == 0;
    }

    /** Whether {@code offset} lies in the range. */
    public boolean contains(long offset) {
        return offset >= start && offset < endExclusive;
    }
}
