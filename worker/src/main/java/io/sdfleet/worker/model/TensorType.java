package io.sdfleet.worker.model;

/**
 * Element type of an ONNX tensor, with the numbering of ONNX's {@code TensorProto.DataType}.
 *
 * <p>Names follow numpy ({@code float32}, {@code int64}) because that is what operators see in
 * diffusers' code and in error messages from Python tools.
 */
public enum TensorType {
    UNDEFINED(0, "undefined"),
    FLOAT32(1, "float32"),
    UINT8(2, "uint8"),
    INT8(3, "int8"),
    UINT16(4, "uint16"),
    INT16(5, "int16"),
    INT32(6, "int32"),
    INT64(7, "int64"),
    STRING(8, "string"),
    BOOL(9, "bool"),
    FLOAT16(10, "float16"),
    FLOAT64(11, "float64"),
    UINT32(12, "uint32"),
    UINT64(13, "uint64"),
    COMPLEX64(14, "complex64"),
    COMPLEX128(15, "complex128"),
    BFLOAT16(16, "bfloat16");

    private final int onnxCode;
    private final String displayName;

    TensorType(int onnxCode, String displayName) {
        this.onnxCode = onnxCode;
        this.displayName = displayName;
    }

    /** The type with ONNX code {@code code}; {@link #UNDEFINED} for codes this enum does not know. */
    public static TensorType fromOnnxCode(long code) {
        for (TensorType type : values()) {
            if (type.onnxCode == code) {
                return type;
            }
        }
        return UNDEFINED;
    }

    public int onnxCode() {
        return onnxCode;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
