package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorRT provider's cache folder: its layout, the record of what built it, and what happens on each kind
 * of cache: new (recorded), same TensorRT and GPU (reused), another TensorRT version or GPU model (the worker stops
 * naming both and the fix), not writable (stops naming the folder).
 */
class TrtCacheLayoutTest {
    @TempDir
    Path dir;

    @Test
    void layoutUnderTheCacheFolder() {
        TrtCacheLayout cache = new TrtCacheLayout(Path.of("/var/cache/sdfleet/trt"));
        assertEquals(Path.of("/var/cache/sdfleet/trt/engines"), cache.engines());
        assertEquals(Path.of("/var/cache/sdfleet/trt/timing"), cache.timing());
        assertEquals(Path.of("/var/cache/sdfleet/trt/CACHE-INFO"), cache.info());
        assertEquals("unet-b2-h96-w64-fp16", cache.enginePrefix(new EngineProfile(2, 96, 64), true));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "sdfleet-trt-cache"),
                RuntimeSettings.defaults().effectiveTensorRtCacheDir());
    }

    @Test
    void aNewCacheIsRecordedAndTheSameBuildReusesIt() throws Exception {
        TrtCacheLayout cache = new TrtCacheLayout(dir.resolve("trt"));
        Map<String, String> l4 = info("10.9.0", "NVIDIA L4", "1.23.2");
        cache.prepare(l4);
        assertTrue(Files.isDirectory(cache.engines()) && Files.isDirectory(cache.timing()));
        assertEquals(l4, cache.read().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                Map.Entry::getValue)));
        cache.prepare(info("10.9.0", "NVIDIA L4", "1.24.0")); // another ONNX Runtime: the engines are TensorRT's, kept
        assertEquals("1.23.2", cache.read().get("onnxruntime"), "the record is not rewritten");
    }

    @Test
    void aCacheOfAnotherTensorRtOrGpuStopsTheWorkerNamingBothAndTheFix() throws Exception {
        TrtCacheLayout cache = new TrtCacheLayout(dir.resolve("trt"));
        cache.prepare(info("10.8.0", "NVIDIA A10G", "1.23.2"));
        ModelLoadException trt = assertThrows(ModelLoadException.class, () -> cache.prepare(info("10.9.0", "NVIDIA A10G", "1.23.2")));
        assertTrue(trt.getMessage().contains("was built for another tensorrt: tensorrt 10.8.0 (cache) vs 10.9.0 (this worker)"),
                trt.getMessage());
        assertTrue(trt.getMessage().contains("SDFLEET_ORT_TRT_CACHE_DIR") && trt.getMessage().contains("empty this one"),
                trt.getMessage());
        ModelLoadException gpu = assertThrows(ModelLoadException.class, () -> cache.prepare(info("10.8.0", "NVIDIA L4", "1.23.2")));
        assertTrue(gpu.getMessage().contains("gpu NVIDIA A10G (cache) vs NVIDIA L4 (this worker)"), gpu.getMessage());
        ModelLoadException both = assertThrows(ModelLoadException.class, () -> cache.prepare(info("10.9.0", "NVIDIA L4", "1.23.2")));
        assertTrue(both.getMessage().contains("another tensorrt and gpu"), both.getMessage());
        // what could not be read is not held against the cache
        cache.prepare(info("unknown", "NVIDIA A10G", "1.23.2"));
    }

    @Test
    void aCacheFolderThatCannotBeWrittenStopsTheWorkerNamingIt() throws Exception {
        Path readOnly = dir.resolve("ro");
        Files.createDirectories(readOnly.resolve("engines"));
        Files.createDirectories(readOnly.resolve("timing"));
        Files.setPosixFilePermissions(readOnly.resolve("engines"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Assumptions.assumeFalse(Files.isWritable(readOnly.resolve("engines")), "running as a user that writes anywhere (root)");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> new TrtCacheLayout(readOnly).prepare(info("10.9.0", "NVIDIA L4", "1.23.2")));
        assertTrue(e.getMessage().contains("is not writable"), e.getMessage());
    }

    @Test
    void aCacheFolderThatCannotBeCreatedStopsTheWorkerNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> new TrtCacheLayout(file.resolve("trt")).prepare(info("10.9.0", "NVIDIA L4", "1.23.2")));
        assertTrue(e.getMessage().contains(file.resolve("trt") + " (SDFLEET_ORT_TRT_CACHE_DIR) cannot be created"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Mount a writable volume"), e.getMessage());
    }

    @Test
    void theCurrentRecordComesFromTheProbedLibrariesAndGpu() throws Exception {
        Path lib = GpuLibrariesTest.fullStack(dir.resolve("lib"));
        GpuLibraries gpu = GpuLibraries.probe(List.of(lib), GpuLibrariesTest.driver(dir.resolve("proc"), "570.86.15", "NVIDIA L4"));
        assertEquals(info("10.9.0", "NVIDIA L4", "1.23.2"), TrtCacheLayout.current(gpu, "1.23.2"));
    }

    private static Map<String, String> info(String trt, String gpu, String ort) {
        return Map.of("tensorrt", trt, "gpu", gpu, "onnxruntime", ort);
    }
}
