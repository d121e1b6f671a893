package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compares the tensors an ONNX file declares with what a runtime will feed and read, before the file is
 * loaded, and reports every difference at once: a renamed tensor, a wrong element type, a wrong rank or
 * size, an input the runtime would not feed.
 */
final class SignatureCheck {
    private SignatureCheck() {}

    /**
     * @param role what the model is, e.g. "UNet", for the message
     * @throws ModelLoadException naming the file, each expected tensor that is missing or wrong, and what
     *     the file has
     */
    static void require(OnnxSignature signature, String role, List<TensorExpectation> inputs,
            List<TensorExpectation> outputs) throws ModelLoadException {
        List<String> problems = new ArrayList<>();
        for (TensorExpectation expected : inputs) {
            check(expected, signature.input(expected.name()), "input", problems);
        }
        for (TensorSpec actual : signature.inputs()) {
            if (!TensorExpectation.names(inputs).contains(actual.name())) {
                problems.add("it has an input '" + actual.name() + "' that the " + role
                        + " runtime does not feed (it feeds " + TensorExpectation.names(inputs) + ")");
            }
        }
        for (TensorExpectation expected : outputs) {
            check(expected, signature.output(expected.name()), "output", problems);
        }
        if (!problems.isEmpty()) {
            throw new ModelLoadException(signature.file() + " is not a usable " + role + " model: "
                    + String.join("; ", problems) + ". The file has " + signature.describe());
        }
    }

    /**
     * Refuses a file that fixes a dimension a dynamic-shape runtime (ONNX Runtime) varies per call: batch,
     * height, width. Such a file (e.g. a UNet exported for one TensorRT shape) would load and then fail every
     * call of another shape at run time; diffusers' exports declare these dimensions symbolic.
     *
     * @param variableDims input tensor name to the indexes of its dimensions that must not be fixed, with their
     *     meaning (e.g. {@code sample → {0: "batch", 2: "height", 3: "width"}})
     * @throws ModelLoadException naming the file, and each tensor and dimension that is fixed
     */
    static void requireVariableDims(OnnxSignature signature, String role, Map<String, Map<Integer, String>> variableDims)
            throws ModelLoadException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, String>> tensor : new TreeMap<>(variableDims).entrySet()) {
            Optional<TensorSpec> actual = signature.input(tensor.getKey());
            if (actual.isEmpty()) {
                continue; // a missing tensor is require()'s message
            }
            for (Map.Entry<Integer, String> dim : new TreeMap<>(tensor.getValue()).entrySet()) {
                if (dim.getKey() < actual.get().rank() && actual.get().dims().get(dim.getKey()).isFixed()) {
                    problems.add("input '" + tensor.getKey() + "' dimension " + dim.getKey() + " (" + dim.getValue()
                            + ") is fixed at " + actual.get().dims().get(dim.getKey()).size());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelLoadException(signature.file() + " is a fixed-shape " + role + " model, which the ONNX "
                    + "Runtime " + role + " cannot use (it runs every batch size and image size the jobs ask for): "
                    + String.join("; ", problems) + ". Export it with dynamic axes (as diffusers does), or serve a "
                    + "fixed-shape UNet with the TensorRT runtime. The file has " + signature.describe());
        }
    }

    private static void check(TensorExpectation expected, Optional<TensorSpec> actual, String kind, List<String> problems) {
        if (actual.isEmpty()) {
            problems.add("expected " + kind + " " + expected.describe() + " is missing");
            return;
        }
        expected.mismatch(actual.get()).ifPresent(why ->
                problems.add(kind + " " + expected.describe() + " does not fit: " + why));
    }
}
