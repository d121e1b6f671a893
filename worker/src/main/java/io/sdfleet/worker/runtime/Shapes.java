package io.sdfleet.worker.runtime;

import java.util.Arrays;

/** Length checks of row-major arrays against the shape the caller states. */
final class Shapes {
    private Shapes() {}

    static void requireLength(String what, float[] values, long... dims) {
        long expected = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(what + ": shape " + Arrays.toString(dims) + " has a non-positive dimension");
            }
            expected *= d;
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(what + " has " + values.length + " values, expected " + expected
                    + " for shape " + Arrays.toString(dims));
        }
    }

    /** For a model's output: a wrong length means the model, not the caller, is wrong. */
    static void requireOutputLength(String what, float[] values, long... dims) {
        try {
            requireLength(what, values, dims);
        } catch (IllegalArgumentException e) {
            throw new InferenceException(e.getMessage(), e);
        }
    }
}
