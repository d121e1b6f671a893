package io.sdfleet.worker.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The graph inputs (initializers excluded) and outputs that an ONNX file declares.
 *
 * @param file the file they were read from (for messages)
 * @param inputs the inputs in declaration order (the order TensorRT binds them by position)
 * @param outputs the outputs in declaration order
 */
public record OnnxSignature(Path file, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public OnnxSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** E.g. {@code inputs: sample float32 [batch, 4, h, w], ...; outputs: out_sample ...}. */
    public String describe() {
        return "inputs: " + join(inputs) + "; outputs: " + join(outputs);
    }

    private static String join(List<TensorSpec> specs) {
        return specs.isEmpty() ? "(none)" : specs.stream().map(TensorSpec::toString).collect(Collectors.joining(", "));
    }
}
