package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.TensorDim;
import io.sdfleet.worker.model.TensorSpec;
import io.sdfleet.worker.model.TensorType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a runtime needs of one input or output tensor: its name, the element types it can feed or read,
 * the ranks it accepts, and the sizes of dimensions that must be fixed if the file fixes them (a
 * symbolic dimension is accepted, since diffusers exports batch, channels, height and width as symbols).
 *
 * @param name tensor name in diffusers' ONNX export
 * @param types accepted element types
 * @param ranks accepted ranks
 * @param requiredSizes dimension index to required size, checked where the file declares a fixed size
 * @param meaning what the tensor is, for messages (e.g. {@code [batch, 4, height, width] latents})
 */
record TensorExpectation(String name, Set<TensorType> types, Set<Integer> ranks, Map<Integer, Long> requiredSizes,
        String meaning) {

    TensorExpectation {
        types = Set.copyOf(types);
        ranks = Set.copyOf(ranks);
        requiredSizes = Map.copyOf(requiredSizes);
    }

    static TensorExpectation of(String name, Set<TensorType> types, int rank, Map<Integer, Long> sizes, String meaning) {
        return new TensorExpectation(name, types, Set.of(rank), sizes, meaning);
    }

    /** Why {@code actual} does not meet this expectation, or empty if it does. */
    Optional<String> mismatch(TensorSpec actual) {
        if (!types.contains(actual.type())) {
            return Optional.of("its element type is " + actual.type() + ", expected " + describeTypes());
        }
        if (!ranks.contains(actual.rank())) {
            return Optional.of("its rank is " + actual.rank() + " " + actual.dims() + ", expected rank "
                    + describeRanks());
        }
        for (Map.Entry<Integer, Long> e : new TreeMap<>(requiredSizes).entrySet()) {
            if (e.getKey() < actual.rank()) {
                TensorDim dim = actual.dims().get(e.getKey());
                if (dim.isFixed() && dim.size() != e.getValue()) {
                    return Optional.of("its dimension " + e.getKey() + " is " + dim.size() + ", expected "
                            + e.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** E.g. {@code 'sample' (float32, rank 4: [batch, 4, height, width] latents)}. */
    String describe() {
        return "'" + name + "' (" + describeTypes() + ", rank " + describeRanks() + ": " + meaning + ")";
    }

    private String describeTypes() {
        return types.stream().map(TensorType::toString).sorted().collect(Collectors.joining(" or "));
    }

    private String describeRanks() {
        return ranks.stream().sorted().map(String::valueOf).collect(Collectors.joining(" or "));
    }

    static List<String> names(List<TensorExpectation> expectations) {
        return expectations.stream().map(TensorExpectation::name).toList();
    }
}
