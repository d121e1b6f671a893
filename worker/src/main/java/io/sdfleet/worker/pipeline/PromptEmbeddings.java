package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.runtime.TextEncoderRuntime;

/**
 * The text encoder's output for the distinct id rows of one batch: a table of {@code rows} embeddings,
 * each {@code [77, hiddenSize]}, row-major. Jobs refer to rows by index, so a prompt used by several jobs
 * (typically the empty negative prompt) is encoded once; each job then keeps a copy of its own rows
 * ({@link #row}), since it outlives the call it was encoded in.
 *
 * <p>Immutable once built (the table is not exposed).
 */
final class PromptEmbeddings {
    private final float[] table;
    private final int rows;
    private final int hiddenSize;

    PromptEmbeddings(float[] table, int rows, int hiddenSize) {
        if (table.length != rows * rowSize(hiddenSize)) {
            throw new IllegalArgumentException("text table has " + table.length + " values, expected " + rows
                    + " rows of 77 x " + hiddenSize);
        }
        this.table = table;
        this.rows = rows;
        this.hiddenSize = hiddenSize;
    }

    int rows() {
        return rows;
    }

    int hiddenSize() {
        return hiddenSize;
    }

    /** Values per row: 77 x hiddenSize. */
    int rowSize() {
        return rowSize(hiddenSize);
    }

    /** A copy of row {@code row}: one prompt's {@code [77, hiddenSize]} hidden states. */
    float[] row(int row) {
        int size = rowSize();
        return java.util.Arrays.copyOfRange(table, row * size, (row + 1) * size);
    }

    /** Copies row {@code row} into {@code dest} at item position {@code destItem}. */
    void copyRow(int row, float[] dest, int destItem) {
        int size = rowSize();
        System.arraycopy(table, row * size, dest, destItem * size, size);
    }

    private static int rowSize(int hiddenSize) {
        return TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize;
    }
}
