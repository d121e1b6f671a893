package io.sdfleet.worker.image;

/**
 * How {@link PngEncoder} chooses the PNG filter (PNG spec §9) applied to each row before compression.
 * Filters turn smooth image rows into small differences that deflate compresses better; they cost CPU.
 */
public enum RowFilterStrategy {
    /** Type 0 on every row: the raw bytes. Cheapest, compresses worst on photographic images. */
    NONE,
    /** Type 1 on every row: difference to the pixel on the left. */
    SUB,
    /** Type 2 on every row: difference to the pixel above. */
    UP,
    /** Type 3 on every row: difference to the mean of left and above. */
    AVERAGE,
    /** Type 4 on every row: difference to the Paeth predictor of left, above and upper-left. */
    PAETH,
    /**
     * Per row, the filter type (0-4) whose output has the smallest sum of absolute values, reading each
     * output byte as signed — the heuristic the PNG spec recommends and libpng uses. Ties go to the lower
     * type number, so the choice is deterministic.
     */
    ADAPTIVE
}
