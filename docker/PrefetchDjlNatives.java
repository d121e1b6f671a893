/*
 * Run at image build time (docker/worker.Dockerfile, build stage, JDK single-file launch) with the worker's
 * runtime jars on the class path and DJL_CACHE_DIR pointing at the folder the image ships.
 *
 * Why: DJL's TensorRT engine copies its JNI library (libdjl_trt.so) out of the ai.djl.tensorrt jar into
 * $DJL_CACHE_DIR/tensorrt/<trt version>-<djl version>-linux-x86_64/ the first time it is loaded, and loads
 * it from there afterwards. The folder name depends on neither the GPU nor CUDA (checked: without any GPU
 * the copy lands at tensorrt/8.4.1-0.33.0-linux-x86_64/), so copying it here, where loading fails for want
 * of libnvinfer.so.8, gives the runtime image the exact file DJL looks for: no write at run time, so the
 * worker runs with a read-only root file system and never needs the network (ai.djl.offline=true).
 * ONNX Runtime needs nothing here: its natives ship inside the onnxruntime jar and are unpacked to
 * java.io.tmpdir on each start.
 *
 * Exit 0 when the library file exists afterwards, 1 otherwise.
 */
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

public class PrefetchDjlNatives {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "OnnxRuntime");
        try {
            ai.djl.engine.Engine.getEngine("TensorRT").getVersion();
        } catch (Throwable expected) {
            // No TensorRT libraries in the build stage: System.load fails after the copy; that is the point.
            System.out.println("TensorRT not loadable here (expected): " + expected);
        }
        Path cache = Path.of(System.getenv("DJL_CACHE_DIR"), "tensorrt");
        try (Stream<Path> files = Files.exists(cache) ? Files.walk(cache) : Stream.empty()) {
            Path lib = files.filter(p -> p.getFileName().toString().equals("libdjl_trt.so")).findFirst().orElse(null);
            if (lib == null) {
                System.err.println("libdjl_trt.so was not extracted under " + cache);
                System.exit(1);
            }
            System.out.println("DJL TensorRT JNI cached at " + lib);
        }
    }
}
