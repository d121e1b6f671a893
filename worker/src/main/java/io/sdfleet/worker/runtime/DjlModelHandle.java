package io.sdfleet.worker.runtime;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.sdfleet.worker.model.ModelLoadException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Owns one loaded model file: the DJL Model, its Predictor (NoopTranslator: NDList in, NDList out) and,
 * for ONNX Runtime, the session options we built. Closing it frees the native session.
 *
 * <p>Failure policy at the native boundary (STYLE habit 12): loading converts every failure, including
 * Errors thrown by native library loading (UnsatisfiedLinkError, ExceptionInInitializerError,
 * NoClassDefFoundError), into a {@link ModelLoadException}: the worker must stop at start with a
 * message. Only VirtualMachineErrors pass through. A failing call becomes an {@link InferenceException}:
 * the batch's jobs fail, the worker keeps running.
 *
 * <p>Threads: the predictor is used by one thread at a time (the device thread).
 */
final class DjlModelHandle implements AutoCloseable {
    /**
     * ONNX Runtime CUDA provider options (names from ONNX Runtime's CUDA EP documentation). The default
     * {@code cudnn_conv_algo_search=EXHAUSTIVE} benchmarks convolution algorithms at run time, so the algorithm,
     * and the bytes of an image, may differ between processes, GPUs and batch shapes; HEURISTIC picks it from
     * cuDNN's heuristics for the shape alone.
     */
    static final Map<String, String> CUDA_PROVIDER_OPTIONS = Map.of("cudnn_conv_algo_search", "HEURISTIC");
    /** DJL OrtModel load option carrying a ready SessionOptions object. */
    static final String DJL_SESSION_OPTIONS = "sessionOptions";
    /** DJL TensorRT load option: build the engine in half precision. */
    static final String DJL_TRT_FP16 = "fp16";

    private final Model model;
    private final Predictor<NDList, NDList> predictor;
    private final AutoCloseable sessionOptions;
    private final String description;

    private DjlModelHandle(Model model, Predictor<NDList, NDList> predictor, AutoCloseable sessionOptions,
            String description) {
        this.model = model;
        this.predictor = predictor;
        this.sessionOptions = sessionOptions;
        this.description = description;
    }

    /**
     * Loads an ONNX file on DJL's OnnxRuntime engine with the configured execution provider ({@link OrtSessionPlan#of}:
     * under tensorrt, a model without engine profiles runs on CUDA).
     */
    static DjlModelHandle loadOnnx(Path file, String role, RuntimeSettings settings) throws ModelLoadException {
        return loadOnnx(file, role, settings, OrtSessionPlan.of(settings));
    }

    /**
     * Loads an ONNX file on DJL's OnnxRuntime engine with the providers of {@code plan}. The session options are built
     * here with ONNX Runtime's Java API and handed to DJL whole (its {@code sessionOptions} load option): DJL's own
     * string options reach only the device id of the CUDA and TensorRT providers, not their options.
     *
     * <p>Before the first GPU session, {@link GpuLibraries} checks the driver and the libraries the provider needs, so
     * a missing one stops the worker with its name rather than as ONNX Runtime's first dlopen error.
     */
    static DjlModelHandle loadOnnx(Path file, String role, RuntimeSettings settings, OrtSessionPlan plan)
            throws ModelLoadException {
        DjlEngineSetup.configure();
        OrtProvider provider = plan.provider();
        if (provider.usesGpu()) {
            // what the configured provider needs (under tensorrt the text encoder runs on cuda, but the UNet after it
            // needs TensorRT too): every missing piece is named at the first GPU session
            GpuLibraries.system().require(settings.ortProvider().usesGpu() ? settings.ortProvider() : provider);
        }
        OrtSession.SessionOptions options = null;
        Model model = null;
        try {
            options = new OrtSession.SessionOptions();
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(settings.interOpThreads());
            }
            if (provider == OrtProvider.TENSORRT) {
                // TensorRT first; CUDA below for the nodes TensorRT does not take
                OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(settings.deviceId());
                for (Map.Entry<String, String> option : plan.tensorRtOptions().entrySet()) {
                    trt.add(option.getKey(), option.getValue());
                }
                options.addTensorrt(trt);
            }
            if (provider.usesGpu()) {
                // CUDA registered here with CUDA_PROVIDER_OPTIONS, plus ORT's deterministic kernels where it has
                // them. The DJL model is then created on Device.cpu(): DJL's OrtModel adds a default CUDA
                // provider for a GPU device, and ORT refuses a provider registered twice. ORT's Java API feeds
                // host tensors either way and copies them to the GPU itself.
                OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.deviceId());
                for (Map.Entry<String, String> option : CUDA_PROVIDER_OPTIONS.entrySet()) {
                    cuda.add(option.getKey(), option.getValue());
                }
                options.addCUDA(cuda);
                options.setDeterministicCompute(true);
            }
            Device device = Device.cpu(); // the providers are in the session options (above)
            model = Model.newInstance(role, device, DjlEngineSetup.ONNX_RUNTIME_ENGINE);
            Map<String, Object> loadOptions = new HashMap<>();
            loadOptions.put(DJL_SESSION_OPTIONS, options);
            model.load(file.getParent(), baseName(file), loadOptions);
            Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
            return new DjlModelHandle(model, predictor, options,
                    onnxRuntimeIdentity(onnxRuntimeVersion(), provider, settings));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            closeQuietly(model);
            closeQuietly(options);
            throw new ModelLoadException("cannot load " + file + " (" + role + ") on ONNX Runtime with the "
                    + provider + " provider: " + causeChain(e)
                    + (provider.usesGpu() ? "; the " + provider + " provider needs the onnxruntime_gpu jar "
                    + "(build with -Dsdfleet.gpu, as docker/worker-trt10.Dockerfile does) and NVIDIA's CUDA 12/cuDNN 9"
                    + (provider == OrtProvider.TENSORRT ? "/TensorRT 10" : "") + " libraries; set the provider to cpu "
                    + "to run without a GPU" : ""), e);
        }
    }

    /**
     * Loads a TensorRT engine (serialized .plan/.trt, or a static-shape .onnx that TensorRT builds) on
     * DJL's TensorRT engine.
     */
    static DjlModelHandle loadTensorRt(Path file, String role, RuntimeSettings settings) throws ModelLoadException {
        DjlEngineSetup.configure();
        TensorRtLibraries.requireAvailable();
        Model model = null;
        try {
            model = Model.newInstance(role, Device.gpu(settings.deviceId()), DjlEngineSetup.TENSORRT_ENGINE);
            Map<String, Object> loadOptions = new HashMap<>();
            if (settings.fp16()) {
                loadOptions.put(DJL_TRT_FP16, "true");
            }
            model.load(file, null, loadOptions);
            Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
            return new DjlModelHandle(model, predictor, null,
                    tensorRtIdentity(model.getNDManager().getEngine().getVersion(), settings));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            closeQuietly(model);
            throw new ModelLoadException("cannot load TensorRT engine " + file + " (" + role + "): "
                    + causeChain(e), e);
        }
    }

    /**
     * The identity of an ONNX Runtime session, e.g. {@code onnxruntime-1.21.1/cpu}, {@code onnxruntime-1.21.1/cuda:0}
     * or {@code onnxruntime-1.21.1/tensorrt:0/fp16}: the version, provider, device and precision all change bytes.
     */
    static String onnxRuntimeIdentity(String version, RuntimeSettings settings) {
        return onnxRuntimeIdentity(version, settings.ortProvider(), settings);
    }

    /** The identity of a session that runs on {@code provider} (which may differ from the setting, {@link OrtSessionPlan#of}). */
    static String onnxRuntimeIdentity(String version, OrtProvider provider, RuntimeSettings settings) {
        return RuntimeKind.ONNXRUNTIME + "-" + version + "/" + provider
                + (provider.usesGpu() ? ":" + settings.deviceId() : "")
                + (provider == OrtProvider.TENSORRT && settings.fp16() ? "/fp16" : "");
    }

    /** The identity of a DJL TensorRT engine, e.g. {@code tensorrt-8.6.1/cuda:0/fp16}. */
    static String tensorRtIdentity(String version, RuntimeSettings settings) {
        return RuntimeKind.TENSORRT + "-" + version + "/cuda:" + settings.deviceId() + (settings.fp16() ? "/fp16" : "");
    }

    /**
     * The version of the ONNX Runtime native library actually loaded (not the one DJL was built against: the
     * onnxruntime_gpu jar may be another release). DJL's engine is started first: it creates the process's one
     * OrtEnvironment with its own thread options, and refuses to start (IllegalStateException) when one exists.
     */
    static String onnxRuntimeVersion() {
        DjlEngineSetup.configure();
        ai.djl.engine.Engine.getEngine(DjlEngineSetup.ONNX_RUNTIME_ENGINE);
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /** A child manager of the model's manager; close it (try-with-resources) when the call is done. */
    NDManager newCallManager() {
        return model.getNDManager().newSubManager();
    }

    /**
     * Runs the model. Native failures become {@link InferenceException} (fail this batch, keep the worker).
     */
    NDList predict(NDList inputs) {
        try {
            return predictor.predict(inputs);
        } catch (TranslateException | RuntimeException e) {
            throw new InferenceException(model.getName() + " failed on " + description + ": " + causeChain(e), e);
        }
    }

    String description() {
        return description;
    }

    static String causeChain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception | LinkageError ignored) {
            // best effort while reporting the original failure
        }
    }

    @Override
    public void close() {
        closeQuietly(predictor);
        closeQuietly(model);
        closeQuietly(sessionOptions);
    }
}
