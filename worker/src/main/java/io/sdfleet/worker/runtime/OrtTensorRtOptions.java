package io.sdfleet.worker.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of ONNX Runtime's TensorRT execution provider for one UNet engine, as the strings
 * {@code OrtTensorRTProviderOptions.add(key, value)} takes (ONNX Runtime 1.23's option names; an unknown name is
 * refused by ONNX Runtime when the session is created).
 *
 * <p>One engine per {@link EngineProfile}, built for exactly its shape: {@code trt_profile_min_shapes},
 * {@code _opt_shapes} and {@code _max_shapes} are all {@code sample:Bx4xHxW,timestep:B,encoder_hidden_states:Bx77xD}.
 * TensorRT then chooses its kernels for that one shape, and every call of the size runs padded to B items
 * ({@link TensorRtUNetRuntime}), so an item's bytes cannot depend on how many others share its call. A UNet
 * export with a scalar timestep cannot take items of different timesteps in one call (ONNX Runtime runs one call
 * per run of equal timesteps, {@link OnnxRuntimeUNet}), so its profile spans batch 1..B and that guarantee is lost;
 * diffusers' current exports and the tiny model have a {@code [batch]} timestep.
 *
 * <p>Format (ONNX Runtime's parser): {@code name:d0xd1x...} entries joined by commas; a name repeated would start a
 * second optimization profile, which this class never does (one profile per engine). A scalar input has no
 * dimensions to list and is left out: it is not dynamic. Pure; tested without a GPU.
 */
final class OrtTensorRtOptions {
    static final String FP16 = "trt_fp16_enable";
    static final String ENGINE_CACHE_ENABLE = "trt_engine_cache_enable";
    static final String ENGINE_CACHE_PATH = "trt_engine_cache_path";
    static final String ENGINE_CACHE_PREFIX = "trt_engine_cache_prefix";
    static final String TIMING_CACHE_ENABLE = "trt_timing_cache_enable";
    static final String TIMING_CACHE_PATH = "trt_timing_cache_path";
    static final String PROFILE_MIN = "trt_profile_min_shapes";
    static final String PROFILE_OPT = "trt_profile_opt_shapes";
    static final String PROFILE_MAX = "trt_profile_max_shapes";

    private OrtTensorRtOptions() {
    }

    /**
     * The provider options of the UNet engine for one profile.
     *
     * @param hiddenSize D of encoder_hidden_states [B, 77, D]
     * @param scalarTimestep the export's timestep is a scalar (see the class comment)
     */
    static Map<String, String> unet(RuntimeSettings settings, EngineProfile profile, int hiddenSize,
            boolean scalarTimestep, TrtCacheLayout cache) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(FP16, settings.fp16() ? "1" : "0");
        options.put(ENGINE_CACHE_ENABLE, "1");
        options.put(ENGINE_CACHE_PATH, cache.engines().toString());
        options.put(ENGINE_CACHE_PREFIX, cache.enginePrefix(profile, settings.fp16()));
        options.put(TIMING_CACHE_ENABLE, "1");
        options.put(TIMING_CACHE_PATH, cache.timing().toString());
        int minBatch = scalarTimestep ? 1 : profile.batch();
        options.put(PROFILE_MIN, shapes(profile, minBatch, hiddenSize, scalarTimestep));
        options.put(PROFILE_OPT, shapes(profile, profile.batch(), hiddenSize, scalarTimestep));
        options.put(PROFILE_MAX, shapes(profile, profile.batch(), hiddenSize, scalarTimestep));
        return options;
    }

    /** {@code sample:Bx4xHxW,timestep:B,encoder_hidden_states:Bx77xD} (no timestep entry for a scalar one). */
    static String shapes(EngineProfile profile, int batch, int hiddenSize, boolean scalarTimestep) {
        StringBuilder s = new StringBuilder();
        s.append(OnnxRuntimeUNet.SAMPLE).append(':').append(batch).append('x').append(UNetRuntime.LATENT_CHANNELS)
                .append('x').append(profile.height()).append('x').append(profile.width());
        if (!scalarTimestep) {
            s.append(',').append(OnnxRuntimeUNet.TIMESTEP).append(':').append(batch);
        }
        s.append(',').append(OnnxRuntimeUNet.ENCODER_HIDDEN_STATES).append(':').append(batch).append('x')
                .append(TextEncoderRuntime.SEQUENCE_LENGTH).append('x').append(hiddenSize);
        return s.toString();
    }
}
