package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignature;
import io.sdfleet.worker.model.OnnxSignatureReader;
import io.sdfleet.worker.model.TensorDim;
import io.sdfleet.worker.model.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UNet as TensorRT 10 engines built by ONNX Runtime's TensorRT execution provider ({@code SDFLEET_RUNTIME=
 * onnxruntime}, {@code SDFLEET_ORT_PROVIDER=tensorrt}; the onnxruntime_gpu jar, docker/worker-trt10.Dockerfile).
 *
 * <p>One ONNX Runtime session per engine profile of {@code SDFLEET_TRT_PROFILES}, each with one explicit
 * optimization profile of exactly that shape ({@link OrtTensorRtOptions}), fp16 as {@code SDFLEET_FP16} says, the
 * engine and timing caches in {@code SDFLEET_ORT_TRT_CACHE_DIR} ({@link TrtCacheLayout}) and CUDA for the nodes
 * TensorRT does not take. With {@code SDFLEET_TRT_FIXED_BATCH=true} only each size's largest profile is loaded
 * (the others would never run, and each session holds its own copy of the weights on the GPU). Calls go through
 * {@link TensorRtUNetRuntime}'s selection, padding (zero items, timestep 0) and cutting, the same code as DJL's
 * TensorRT 8 engines: one engine shape per image size, so an item's bytes do not depend on its batch.
 *
 * <p>Start: every profile's engine is built (first start on a GPU model and TensorRT version: minutes per profile
 * for SD 1.5) or loaded from the cache, and run once on zeros, before {@link #load} returns; the worker turns
 * ready only after that. Failures at start (no GPU, old driver, missing libraries, a cache of another TensorRT
 * version or GPU, a folder that cannot be written, an engine that does not build) are ModelLoadExceptions naming
 * the cause and the fix; the worker stops. Threads: one caller at a time.
 */
final class OrtTensorRtUNetRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtTensorRtUNetRuntime.class);

    private OrtTensorRtUNetRuntime() {
    }

    static TensorRtUNetRuntime load(ModelFolder folder, RuntimeSettings settings) throws ModelLoadException {
        GpuLibraries gpu = GpuLibraries.system();
        gpu.require(OrtProvider.TENSORRT);
        OnnxSignature unet = OnnxSignatureReader.read(folder.unet());
        SignatureCheck.require(unet, "UNet", OnnxRuntimeUNet.INPUTS, OnnxRuntimeUNet.OUTPUTS);
        boolean scalarTimestep = unet.input(OnnxRuntimeUNet.TIMESTEP).orElseThrow().rank() == 0;
        int hidden = hiddenSize(folder, unet);
        List<EngineProfile> profiles = profilesToBuild(settings);
        TrtCacheLayout cache = new TrtCacheLayout(settings.effectiveTensorRtCacheDir());
        // the ONNX Runtime version is known once a session exists; CACHE-INFO compares TensorRT and GPU only
        cache.prepare(TrtCacheLayout.current(gpu, ortVersionOrUnknown()));
        if (scalarTimestep) {
            LOG.warn("{} takes a scalar timestep: items at different timesteps run as separate calls, so TensorRT profiles "
                    + "span batch 1..B and an image's bytes may depend on its batch; re-export the UNet with a [batch] "
                    + "timestep for byte identity", folder.unet());
        }
        Map<EngineProfile, TensorRtUNetRuntime.StaticEngine> engines = new LinkedHashMap<>();
        String identity = null;
        try {
            for (EngineProfile profile : profiles) {
                Map<String, String> options = OrtTensorRtOptions.unet(settings, profile, hidden, scalarTimestep, cache);
                LOG.info("UNet profile {}: building or loading its TensorRT engine in {} (a first build on this GPU model "
                        + "takes minutes)", profile, cache.engines());
                long start = System.nanoTime();
                OnnxRuntimeUNet session = loadProfile(folder.unet(), settings, profile, options);
                SessionEngine engine = new SessionEngine(profile, session);
                engines.put(profile, engine);
                engine.warmUp(hidden);
                LOG.info("UNet profile {} ready in {} s ({})", profile, (System.nanoTime() - start) / 1_000_000_000L,
                        session.identity());
                identity = session.identity();
            }
        } catch (ModelLoadException | RuntimeException e) {
            engines.values().forEach(TensorRtUNetRuntime.StaticEngine::close);
            throw e;
        }
        return new TensorRtUNetRuntime(engines, settings.engineBatchPolicy(), identity);
    }

    /** The profiles that get an engine: each size's largest with a fixed engine batch (only those run), else all. */
    static List<EngineProfile> profilesToBuild(RuntimeSettings settings) {
        return settings.engineBatchPolicy() == EngineBatchPolicy.FIXED ? settings.engineProfiles().largestPerSize()
                : settings.engineProfiles().all();
    }

    /**
     * D of encoder_hidden_states [B, 77, D]: the UNet's declared width, else the text encoder's output width (an
     * explicit TensorRT profile needs every dimension).
     */
    static int hiddenSize(ModelFolder folder, OnnxSignature unet) throws ModelLoadException {
        Optional<Long> fromUnet = fixedDim(unet.input(OnnxRuntimeUNet.ENCODER_HIDDEN_STATES), 2);
        if (fromUnet.isPresent()) {
            return fromUnet.get().intValue();
        }
        Optional<Long> fromText = fixedDim(OnnxSignatureReader.read(folder.textEncoder())
                .output(OnnxRuntimeTextEncoder.LAST_HIDDEN_STATE), 2);
        if (fromText.isPresent()) {
            return fromText.get().intValue();
        }
        throw new ModelLoadException(folder.unet() + " and " + folder.textEncoder() + " both leave the width of the text "
                + "states open (encoder_hidden_states [batch, 77, ?]); a TensorRT engine profile needs it: re-export with "
                + "a fixed hidden size (768 for SD 1.x, 1024 for SD 2.x)");
    }

    private static Optional<Long> fixedDim(Optional<TensorSpec> spec, int index) {
        return spec.map(TensorSpec::dims).filter(d -> d.size() > index).map(d -> d.get(index))
                .filter(TensorDim::isFixed).map(TensorDim::size);
    }

    private static OnnxRuntimeUNet loadProfile(Path unet, RuntimeSettings settings, EngineProfile profile,
            Map<String, String> options) throws ModelLoadException {
        try {
            return OnnxRuntimeUNet.load(unet, settings, OrtSessionPlan.tensorRt(options));
        } catch (ModelLoadException e) {
            throw new ModelLoadException("UNet profile " + profile + ": " + e.getMessage() + ". If the cache folder "
                    + "holds engines of another build, empty it (" + TrtCacheLayout.INFO_FILE + " records what it was "
                    + "built with)", e);
        }
    }

    private static String ortVersionOrUnknown() {
        try {
            return DjlModelHandle.onnxRuntimeVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    /** One profile's session: runs exactly the profile's batch (inputs already padded by the caller). */
    private static final class SessionEngine implements TensorRtUNetRuntime.StaticEngine {
        private final EngineProfile profile;
        private final OnnxRuntimeUNet session;

        SessionEngine(EngineProfile profile, OnnxRuntimeUNet session) {
            this.profile = profile;
            this.session = session;
        }

        @Override
        public float[] run(float[] sample, float[] timesteps, float[] encoderHiddenStates, int hiddenSize) {
            return session.predictNoise(sample, timesteps, encoderHiddenStates, profile.batch(), profile.height(),
                    profile.width());
        }

        /** One call on zeros at the profile's shape: the engine is built (or loaded) and runs before the worker is ready. */
        void warmUp(int hiddenSize) throws ModelLoadException {
            int b = profile.batch();
            float[] sample = new float[b * UNetRuntime.LATENT_CHANNELS * profile.height() * profile.width()];
            float[] states = new float[b * TextEncoderRuntime.SEQUENCE_LENGTH * hiddenSize];
            try {
                run(sample, new float[b], states, hiddenSize);
            } catch (InferenceException e) {
                throw new ModelLoadException("UNet profile " + profile + " failed its warm-up call on TensorRT: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
