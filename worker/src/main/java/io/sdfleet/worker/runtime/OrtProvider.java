package io.sdfleet.worker.runtime;

import java.util.Arrays;
import java.util.stream.Collectors;

/** ONNX Runtime execution provider for sessions run through DJL's OnnxRuntime engine. */
public enum OrtProvider {
    /** The CPU provider, in the onnxruntime jar; works everywhere. The default. */
    CPU("cpu"),
    /** The CUDA provider; needs the onnxruntime_gpu jar and CUDA/cuDNN libraries. */
    CUDA("cuda"),
    /**
     * The TensorRT execution provider (falls back to CUDA for unsupported nodes), with fp16 and an engine
     * cache folder so that engines built for a shape are reused after a restart.
     */
    TENSORRT("tensorrt");

    private final String configValue;

    OrtProvider(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public boolean usesGpu() {
        return this != CPU;
    }

    public static OrtProvider fromConfig(String value) {
        for (OrtProvider provider : values()) {
            if (provider.configValue.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown ONNX Runtime provider '" + value + "'; allowed: "
                + Arrays.stream(values()).map(OrtProvider::configValue).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configValue;
    }
}
