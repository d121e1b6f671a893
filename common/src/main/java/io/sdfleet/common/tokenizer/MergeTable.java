package io.sdfleet.common.tokenizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BPE merge ranks, keyed by the ids of the two symbols: (left, right) → (rank, id of left+right).
 *
 * <p>An open-addressing hash table over primitive longs, because BPE asks it for every adjacent pair
 * of every merge round; a {@code HashMap<Long, Long>} would allocate on each of those look-ups.
 * Immutable after {@link Builder#build()}; safe for any number of threads.
 */
final class MergeTable {

    /** Returned by {@link #lookup} when the pair is not a merge. */
    static final long NO_MERGE = -1L;

    private static final long EMPTY_KEY = -1L;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private final int size;

    private MergeTable(Map<Long, Long> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY_KEY);
        mask = capacity - 1;
        size = entries.size();
        entries.forEach((key, value) -> {
            int slot = slot(key);
            while (keys[slot] != EMPTY_KEY) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = value;
        });
    }

    static Builder builder() {
        return new Builder();
    }

    int size() {
        return size;
    }

    /**
     * The merge of the two symbols, packed as {@code rank << 32 | mergedId} (so a smaller value is a
     * better merge), or {@link #NO_MERGE}.
     */
    long lookup(int leftId, int rightId) {
        long key = pack(leftId, rightId);
        int slot = slot(key);
        while (true) {
            long candidate = keys[slot];
            if (candidate == key) {
                return values[slot];
            }
            if (candidate == EMPTY_KEY) {
                return NO_MERGE;
            }
            slot = (slot + 1) & mask;
        }
    }

    static int rankOf(long merge) {
        return (int) (merge >>> 32);
    }

    static int mergedIdOf(long merge) {
        return (int) merge;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    private static long pack(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    /** Collects merges in file order; a pair listed twice keeps its last rank, as a Python dict would. */
    static final class Builder {
        private final Map<Long, Long> entries = new LinkedHashMap<>(1 << 17);

        void put(int leftId, int rightId, int rank, int mergedId) {
            entries.put(pack(leftId, rightId), ((long) rank << 32) | (mergedId & 0xFFFFFFFFL));
        }

        int size() {
            return entries.size();
        }

        MergeTable build() {
            return new MergeTable(entries);
        }
    }
}
