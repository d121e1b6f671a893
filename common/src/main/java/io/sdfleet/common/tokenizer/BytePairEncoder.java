package io.sdfleet.common.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE for one pre-tokenized piece: the piece's UTF-8 bytes become one symbol each
 * (the last one with {@code </w>}), then, as long as some adjacent pair is a merge, the pair with the
 * best (lowest) rank is merged at every non-overlapping occurrence, left to right. The two special
 * tokens are passed through as single ids, as the reference's pre-filled cache does.
 *
 * <p>Results are cached per piece. The cache is bounded by {@link #DEFAULT_CACHE_CAPACITY} entries: when
 * full it is cleared and refills with what is used next (cheap, lock-free, and a prompt stream's
 * working set of words is far smaller). Cached arrays are never handed out for writing.
 *
 * <p>Safe for any number of threads.
 */
final class BytePairEncoder {

    /** Most pieces kept in the cache before it is cleared; about 100 bytes per entry. */
    static final int DEFAULT_CACHE_CAPACITY = 20_000;

    private final ClipVocabulary vocabulary;
    private final int cacheCapacity;
    private final ConcurrentHashMap<String, int[]> cache;

    BytePairEncoder(ClipVocabulary vocabulary, int cacheCapacity) {
        if (cacheCapacity < 0) {
            throw new IllegalArgumentException("cacheCapacity must be >= 0, was " + cacheCapacity);
        }
        this.vocabulary = vocabulary;
        this.cacheCapacity = cacheCapacity;
        this.cache = new ConcurrentHashMap<>(Math.min(cacheCapacity, 1024));
    }

    /** The ids of one piece. The returned array must not be modified. */
    int[] encode(String piece) {
        int[] ids = cache.get(piece);
        if (ids != null) {
            return ids;
        }
        ids = encodeUncached(piece);
        if (cacheCapacity > 0) {
            if (cache.size() >= cacheCapacity) {
                cache.clear();
            }
            cache.put(piece, ids);
        }
        return ids;
    }

    void clearCache() {
        cache.clear();
    }

    int[] encodeUncached(String piece) {
        if (piece.equals(ClipPreTokenizer.START_OF_TEXT)) {
            return new int[] {vocabulary.startOfTextId()};
        }
        if (piece.equals(ClipPreTokenizer.END_OF_TEXT)) {
            return new int[] {vocabulary.endOfTextId()};
        }
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] word = new int[bytes.length];
        int last = bytes.length - 1;
        for (int i = 0; i < last; i++) {
            word[i] = vocabulary.byteId(bytes[i] & 0xFF);
        }
        word[last] = vocabulary.byteEndOfWordId(bytes[last] & 0xFF);
        int length = word.length;
        MergeTable merges = vocabulary.merges();
        while (length > 1) {
            long best = MergeTable.NO_MERGE;
            int bestLeft = -1;
            int bestRight = -1;
            for (int i = 0; i + 1 < length; i++) {
                long merge = merges.lookup(word[i], word[i + 1]);
                if (merge != MergeTable.NO_MERGE && (best == MergeTable.NO_MERGE || merge < best)) {
                    best = merge;
                    bestLeft = word[i];
                    bestRight = word[i + 1];
                }
            }
            if (best == MergeTable.NO_MERGE) {
                break;
            }
            int mergedId = MergeTable.mergedIdOf(best);
            int out = 0;
            for (int i = 0; i < length; i++) {
                if (i + 1 < length && word[i] == bestLeft && word[i + 1] == bestRight) {
                    word[out++] = mergedId;
                    i++;
                } else {
                    word[out++] = word[i];
                }
            }
            length = out;
        }
        return length == word.length ? word : Arrays.copyOf(word, length);
    }
}
