/*
 * Run at image build time (docker/worker-trt10.Dockerfile, build stage, JDK single-file launch):
 *
 *   java BakeOrtNatives.java <onnxruntime jar> <native folder>
 *
 * Why: ONNX Runtime's Java loader copies its native libraries out of the jar into java.io.tmpdir on every start
 * (for onnxruntime_gpu: libonnxruntime.so, the JNI, libonnxruntime_providers_shared.so and, when a session asks for
 * CUDA or TensorRT, libonnxruntime_providers_cuda.so of about 370 MB and libonnxruntime_providers_tensorrt.so).
 * This writes the linux-x64 ones into <native folder> once, and rewrites the jar without them. The worker is then
 * started with -Donnxruntime.native.path=<native folder>: the loader, finding no library inside the jar, loads each
 * one from that folder, and ONNX Runtime finds its provider libraries next to libonnxruntime.so there. Nothing is
 * written at run time (read-only root file system), and nothing is downloaded.
 *
 * Exit 0 when libonnxruntime.so and the JNI are in the folder afterwards and the jar holds no native library;
 * 1 otherwise.
 */
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

public class BakeOrtNatives {
    private static final String NATIVE = "ai/onnxruntime/native/";
    private static final String LINUX_X64 = NATIVE + "linux-x64/";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path folder = Path.of(args[1]);
        Files.createDirectories(folder);
        Path stripped = jar.resolveSibling(jar.getFileName() + ".tmp");
        int baked = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(stripped))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().startsWith(NATIVE)) {
                    if (e.getName().startsWith(LINUX_X64) && !e.isDirectory()) {
                        Path target = folder.resolve(e.getName().substring(LINUX_X64.length()));
                        try (InputStream body = in.getInputStream(e)) {
                            Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        System.out.println("baked " + target + " (" + Files.size(target) + " bytes)");
                        baked++;
                    }
                    continue; // no native library stays in the jar: the loader must take the baked ones
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream body = in.getInputStream(e)) {
                    body.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.move(stripped, jar, StandardCopyOption.REPLACE_EXISTING);
        boolean ok = baked > 0 && Files.isRegularFile(folder.resolve("libonnxruntime.so"))
                && Files.isRegularFile(folder.resolve("libonnxruntime4j_jni.so"));
        try (ZipFile check = new ZipFile(jar.toFile())) {
            ok &= check.stream().noneMatch(e -> e.getName().startsWith(NATIVE) && !e.isDirectory());
        }
        if (!ok) {
            System.err.println("ONNX Runtime natives were not baked into " + folder + " from " + jar);
            System.exit(1);
        }
    }
}
