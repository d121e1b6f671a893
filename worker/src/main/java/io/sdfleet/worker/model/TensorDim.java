package io.sdfleet.worker.model;

/**
 * One dimension of a tensor as an ONNX file declares it: a fixed size, a named symbolic size
 * ({@code batch}, {@code height}) or unknown.
 *
 * @param size the fixed size, or -1 when the dimension is symbolic or unknown
 * @param symbol the symbolic name, or "" when the size is fixed or unknown
 */
public record TensorDim(long size, String symbol) {
    public TensorDim {
        symbol = symbol == null ? "" : symbol;
    }

    public static TensorDim fixed(long size) {
        return new TensorDim(size, "");
    }

    public static TensorDim symbolic(String symbol) {
        return new TensorDim(-1, symbol);
    }

    public boolean isFixed() {
        return size >= 0;
    }

    @Override
    public String toString() {
        if (isFixed()) {
            return Long.toString(size);
        }
        return symbol.isEmpty() ? "?" : symbol;
    }
}
