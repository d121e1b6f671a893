package io.sdfleet.worker.runtime;

import ai.djl.engine.Engine;
import io.sdfleet.worker.model.ModelLoadException;

/**
 * Checks once per process that DJL's TensorRT engine can start, and turns the failure into a start-up
 * message an operator can act on.
 *
 * <p>Why a separate check: DJL 0.33's TensorRT JNI is built against TensorRT 8.x. Without
 * libnvinfer.so.8 (and CUDA) its first use throws an Error (ExceptionInInitializerError wrapping an
 * UnsatisfiedLinkError), and every later use a NoClassDefFoundError that no longer says why. So the first
 * outcome is remembered and every caller gets the same clear message.
 */
final class TensorRtLibraries {
    /** The library DJL 0.33's TensorRT JNI links against. */
    static final String REQUIRED_LIBRARY = "libnvinfer.so.8";

    private static String failure;
    private static Throwable failureCause;
    private static boolean checked;

    private TensorRtLibraries() {}

    static synchronized void requireAvailable() throws ModelLoadException {
        if (!checked) {
            DjlEngineSetup.configure();
            try {
                Engine engine = Engine.getEngine(DjlEngineSetup.TENSORRT_ENGINE);
                engine.getVersion();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                failure = DjlModelHandle.causeChain(e);
                failureCause = e;
            }
            checked = true;
        }
        if (failure != null) {
            throw new ModelLoadException(missingLibraryMessage(failure), failureCause);
        }
    }

    static String missingLibraryMessage(String cause) {
        return "the TensorRT runtime cannot start: DJL's TensorRT engine (ai.djl.tensorrt 0.33.0) needs NVIDIA "
                + "TensorRT 8.x (" + REQUIRED_LIBRARY + ", libnvinfer_plugin.so.8, libnvonnxparser.so.8) and the "
                + "CUDA runtime on the library path, and an NVIDIA GPU. Install TensorRT 8.4-8.6 for your CUDA "
                + "version (NVIDIA's tar or deb packages, or start from the nvcr.io/nvidia/tensorrt:22.xx/23.0x "
                + "container) and add its lib folder to LD_LIBRARY_PATH, or set the runtime to onnxruntime. On Ada, "
                + "Hopper or Blackwell GPUs (L4, L40S, H100, B200), which TensorRT 8.4 cannot run, use the CUDA 12 / "
                + "TensorRT 10 image (sdfleet/worker:*-trt10) with SDFLEET_RUNTIME=onnxruntime and "
                + "SDFLEET_ORT_PROVIDER=tensorrt. "
                + "Cause: " + cause;
    }
}
