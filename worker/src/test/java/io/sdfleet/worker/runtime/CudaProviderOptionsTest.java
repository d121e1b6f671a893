package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's CUDA provider must not benchmark convolution algorithms at run time (its default,
 * EXHAUSTIVE, lets the algorithm and so the image bytes vary by process, GPU and batch shape).
 */
class CudaProviderOptionsTest {
    @Test
    void convolutionAlgorithmsAreChosenByHeuristicNotByRunTimeBenchmarking() {
        String search = DjlModelHandle.CUDA_PROVIDER_OPTIONS.get("cudnn_conv_algo_search");
        assertTrue(Set.of("HEURISTIC", "DEFAULT").contains(search), "cudnn_conv_algo_search is " + search);
    }
}
