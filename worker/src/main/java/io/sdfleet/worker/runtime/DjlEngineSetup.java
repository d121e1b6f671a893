package io.sdfleet.worker.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets DJL's process-wide switches before DJL's Engine class is first touched.
 *
 * <p>Why: with the ai.djl.tensorrt jar on the classpath TensorRT outranks ONNX Runtime and becomes DJL's
 * default engine; ONNX Runtime model loading then initialises TensorRT as its "alternative engine" and
 * dies with ExceptionInInitializerError / UnsatisfiedLinkError (libnvonnxparser.so.8) on machines
 * without TensorRT. DJL reads the default engine once, when its Engine class initialises, so every
 * runtime class calls {@link #configure()} before its first DJL call. We also never let DJL download
 * anything: models are local files.
 *
 * <p>Thread-safe and idempotent.
 */
public final class DjlEngineSetup {
    /** DJL system property: name of the default engine. */
    static final String DEFAULT_ENGINE_PROPERTY = "ai.djl.default_engine";
    /** DJL system property: never download models or native libraries. */
    static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** DJL system property: ONNX Runtime does not set up a second engine for NDArray operations. */
    static final String DISABLE_ALTERNATIVE_PROPERTY = "ai.djl.onnx.disable_alternative";
    static final String ONNX_RUNTIME_ENGINE = "OnnxRuntime";
    static final String TENSORRT_ENGINE = "TensorRT";

    private static final Logger LOG = LoggerFactory.getLogger(DjlEngineSetup.class);
    private static boolean configured;

    private DjlEngineSetup() {}

    public static synchronized void configure() {
        if (configured) {
            return;
        }
        String previous = System.getProperty(DEFAULT_ENGINE_PROPERTY);
        if (previous != null && !previous.equals(ONNX_RUNTIME_ENGINE)) {
            LOG.warn("{}={} overridden with {}: the UNet's TensorRT engine is chosen by the runtime setting, "
                    + "and TensorRT as DJL's default engine breaks ONNX Runtime loading", DEFAULT_ENGINE_PROPERTY,
                    previous, ONNX_RUNTIME_ENGINE);
        }
        System.setProperty(DEFAULT_ENGINE_PROPERTY, ONNX_RUNTIME_ENGINE);
        System.setProperty(OFFLINE_PROPERTY, "true");
        System.setProperty(DISABLE_ALTERNATIVE_PROPERTY, "true");
        configured = true;
    }
}
