package io.sdfleet.worker.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Name, element type and declared shape of one input or output tensor of a model.
 *
 * @param name the tensor's name, by which inputs are fed
 * @param type its element type
 * @param dims its declared dimensions (empty for a scalar)
 */
public record TensorSpec(String name, TensorType type, List<TensorDim> dims) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = List.copyOf(dims);
    }

    public int rank() {
        return dims.size();
    }

    /** E.g. {@code sample float32 [batch, 4, height, width]}. */
    @Override
    public String toString() {
        return name + " " + type + " " + dims.stream().map(TensorDim::toString)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
