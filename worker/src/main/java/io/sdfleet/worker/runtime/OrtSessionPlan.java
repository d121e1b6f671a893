package io.sdfleet.worker.runtime;

import java.util.Map;
import java.util.Objects;

/**
 * Which execution providers one ONNX Runtime session registers, in order, and with which options.
 *
 * <ul>
 *   <li>{@code cpu}: none (ONNX Runtime's CPU provider is always last).</li>
 *   <li>{@code cuda}: the CUDA provider with {@link DjlModelHandle#CUDA_PROVIDER_OPTIONS}.</li>
 *   <li>{@code tensorrt}: the TensorRT provider with the given options (engine profiles, fp16, caches:
 *       {@link OrtTensorRtOptions}), then CUDA for the nodes TensorRT does not take.</li>
 * </ul>
 *
 * <p>A model loaded without engine profiles under {@code SDFLEET_ORT_PROVIDER=tensorrt} (the text encoder and the VAE
 * decoder) runs on CUDA ({@link #of}): the TensorRT provider builds an engine for every new input shape range it meets
 * when it has no explicit profile, which would stall a running worker for minutes at the first batch of a new size.
 * Only the UNet, whose profiles come from SDFLEET_TRT_PROFILES, is built with TensorRT ({@link OrtTensorRtUNetRuntime}).
 *
 * @param provider the provider the session runs on
 * @param tensorRtOptions the TensorRT provider's options; empty unless {@code provider} is tensorrt
 */
record OrtSessionPlan(OrtProvider provider, Map<String, String> tensorRtOptions) {
    OrtSessionPlan {
        Objects.requireNonNull(provider, "provider");
        tensorRtOptions = Map.copyOf(tensorRtOptions);
        if (provider != OrtProvider.TENSORRT && !tensorRtOptions.isEmpty()) {
            throw new IllegalArgumentException("TensorRT options for a " + provider + " session");
        }
    }

    /** The plan of a model without engine profiles: the configured provider, tensorrt meaning CUDA (class comment). */
    static OrtSessionPlan of(RuntimeSettings settings) {
        OrtProvider p = settings.ortProvider() == OrtProvider.TENSORRT ? OrtProvider.CUDA : settings.ortProvider();
        return new OrtSessionPlan(p, Map.of());
    }

    static OrtSessionPlan tensorRt(Map<String, String> options) {
        return new OrtSessionPlan(OrtProvider.TENSORRT, options);
    }
}
