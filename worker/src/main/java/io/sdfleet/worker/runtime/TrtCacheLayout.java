package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelLoadException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The folder ({@code SDFLEET_ORT_TRT_CACHE_DIR}) where ONNX Runtime's TensorRT provider keeps what it builds, and
 * the record of what it was built with:
 * <pre>
 *   &lt;cache&gt;/CACHE-INFO   tensorrt=10.9.0, gpu=NVIDIA L4, onnxruntime=1.23.2 (written by the first worker that builds)
 *   &lt;cache&gt;/engines/     serialized engines, one per UNet profile (prefix unet-b8-h64-w64-fp16)
 *   &lt;cache&gt;/timing/      TensorRT's timing cache: kernel timings reused when another profile is built
 * </pre>
 *
 * <p>Why the record: a serialized TensorRT engine runs only on the TensorRT version and GPU model that built it.
 * ONNX Runtime puts the GPU's compute capability in the engine file name, not the TensorRT version, and a cache
 * on a volume moved to another node pool or kept across an image upgrade would fail inside TensorRT (or be
 * rebuilt silently for minutes while the pod looks stuck). So the worker compares CACHE-INFO with the TensorRT
 * library and GPU it has, and on a difference stops at start saying which, and what to do (a cache folder per GPU
 * model and TensorRT version, or an empty one). A folder without CACHE-INFO is new: it is written.
 *
 * <p>Failures: a folder that cannot be created or written stops the worker at start (a read-only or missing
 * volume). Not thread-safe; used once at start.
 *
 * @param root the cache folder
 */
record TrtCacheLayout(Path root) {
    static final String INFO_FILE = "CACHE-INFO";
    static final String TENSORRT = "tensorrt";
    static final String GPU = "gpu";
    static final String ONNXRUNTIME = "onnxruntime";

    Path engines() {
        return root.resolve("engines");
    }

    Path timing() {
        return root.resolve("timing");
    }

    Path info() {
        return root.resolve(INFO_FILE);
    }

    /** The engine file prefix of one profile, e.g. {@code unet-b8-h64-w64-fp16}: readable in a directory listing. */
    String enginePrefix(EngineProfile profile, boolean fp16) {
        return "unet-b" + profile.batch() + "-h" + profile.height() + "-w" + profile.width() + (fp16 ? "-fp16" : "-fp32");
    }

    /** What this process would build with. */
    static Map<String, String> current(GpuLibraries gpu, String onnxRuntimeVersion) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(TENSORRT, gpu.tensorRtVersion());
        info.put(GPU, gpu.gpuModel());
        info.put(ONNXRUNTIME, onnxRuntimeVersion);
        return info;
    }

    /**
     * Creates the folders, and checks CACHE-INFO against {@code current} (TensorRT version and GPU model; the ONNX
     * Runtime version is recorded, not compared: it does not change an engine) or writes it when there is none.
     */
    void prepare(Map<String, String> current) throws ModelLoadException {
        try {
            Files.createDirectories(engines());
            Files.createDirectories(timing());
        } catch (IOException | SecurityException e) {
            throw new ModelLoadException("the TensorRT engine cache folder " + root + " (SDFLEET_ORT_TRT_CACHE_DIR) cannot "
                    + "be created: " + DjlModelHandle.causeChain(e) + ". Mount a writable volume there (the worker runs as "
                    + "uid 10001) or point SDFLEET_ORT_TRT_CACHE_DIR at one", e);
        }
        if (!Files.isWritable(engines()) || !Files.isWritable(timing())) {
            throw new ModelLoadException("the TensorRT engine cache folder " + root + " (SDFLEET_ORT_TRT_CACHE_DIR) is not "
                    + "writable by this process: ONNX Runtime writes the engines it builds there. Mount it read-write "
                    + "(owned by or writable for uid 10001)");
        }
        if (!Files.isRegularFile(info())) {
            write(current);
            return;
        }
        Map<String, String> recorded = read();
        List<String> differences = new ArrayList<>();
        for (String key : List.of(TENSORRT, GPU)) {
            String was = recorded.get(key);
            String is = current.get(key);
            if (was != null && is != null && !was.equals(is) && !"unknown".equals(was) && !"unknown".equals(is)) {
                differences.add(key + " " + was + " (cache) vs " + is + " (this worker)");
            }
        }
        if (!differences.isEmpty()) {
            throw new ModelLoadException("the TensorRT engine cache " + root + " was built for another "
                    + String.join(" and ", differences.stream().map(d -> d.substring(0, d.indexOf(' '))).toList()) + ": "
                    + String.join(", ", differences) + ". A TensorRT engine runs only on the TensorRT version and GPU "
                    + "model that built it. Give each GPU model and image version its own cache folder "
                    + "(SDFLEET_ORT_TRT_CACHE_DIR on a volume per node pool), or empty this one ("
                    + engines() + ", " + timing() + " and " + info() + ") to rebuild on the next start");
        }
    }

    Map<String, String> read() throws ModelLoadException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(info(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + info() + ": " + DjlModelHandle.causeChain(e), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Writes CACHE-INFO through a temporary file and a rename, so a concurrent reader never sees half of it. */
    private void write(Map<String, String> current) throws ModelLoadException {
        StringBuilder text = new StringBuilder("# what the engines in this folder were built with (sdfleet worker)\n");
        current.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Path tmp = Files.createTempFile(root, INFO_FILE, ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, info(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, info(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot write " + info() + ": " + DjlModelHandle.causeChain(e), e);
        }
    }
}
