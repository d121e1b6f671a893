package io.sdfleet.worker.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which runtime runs the UNet: the one setting that chooses the implementation (text encoder and VAE
 * always run on ONNX Runtime, with the execution provider of {@link OrtProvider}).
 */
public enum RuntimeKind {
    /** DJL's ONNX Runtime engine; CPU, CUDA or the TensorRT execution provider. The default. */
    ONNXRUNTIME("onnxruntime"),
    /** DJL's TensorRT engine: serialized engines (or static ONNX files) per batch profile; GPU only. */
    TENSORRT("tensorrt");

    private final String configValue;

    RuntimeKind(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in configuration. */
    public String configValue() {
        return configValue;
    }

    /** Parses a configuration value (case-insensitive); the message lists the allowed values. */
    public static RuntimeKind fromConfig(String value) {
        for (RuntimeKind kind : values()) {
            if (kind.configValue.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown runtime '" + value + "'; allowed: "
                + Arrays.stream(values()).map(RuntimeKind::configValue).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configValue.toLowerCase(Locale.ROOT);
    }
}
