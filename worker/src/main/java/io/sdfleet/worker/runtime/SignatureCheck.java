package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    private static void check(TensorExpectation expected, Optional<TensorSpec> actual, String kind, List<String> problems) {
        if (actual.isEmpty()) {
            problems.add("expected " + kind + " " + expected.describe() + " is missing");
            return;
        }
        expected.mismatch(actual.get()).ifPresent(why ->
                problems.add(kind + " " + expected.describe() + " does not fit: " + why));
    }
}
