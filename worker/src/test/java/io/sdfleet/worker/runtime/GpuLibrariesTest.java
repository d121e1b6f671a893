package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check of the CUDA and TensorRT providers, against library folders and a driver folder this test
 * builds: every missing piece is named with its fix (no GPU, a driver too old, libcudart / libnvinfer 10 / cuDNN
 * missing), versions are read from the files the sonames resolve to, and the loader's folder order is kept.
 */
class GpuLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void noGpuAndNoLibraries() {
        GpuLibraries probe = GpuLibraries.probe(List.of(dir.resolve("lib")), dir.resolve("proc"));
        List<String> problems = probe.problems(OrtProvider.TENSORRT);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("no NVIDIA GPU or driver is visible"), problems.get(0));
        assertTrue(problems.get(0).contains("NVIDIA Container Toolkit"), problems.get(0));
        assertTrue(problems.get(1).contains("libcudart.so.12") && problems.get(1).contains("libnvinfer.so.10")
                && problems.get(1).contains("libcudnn.so.9"), problems.get(1));
        assertTrue(problems.get(1).contains("-trt10 image"), problems.get(1));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> probe.require(OrtProvider.CUDA));
        assertTrue(e.getMessage().contains("SDFLEET_ORT_PROVIDER=cpu"), e.getMessage());
        assertFalse(e.getMessage().contains("libnvinfer"), "the cuda provider needs no TensorRT: " + e.getMessage());
        assertEquals(List.of(), probe.problems(OrtProvider.CPU));
    }

    @Test
    void everythingPresentWithVersionsReadFromTheRealFiles() throws Exception {
        Path lib = fullStack(dir.resolve("lib"));
        Path proc = driver(dir.resolve("proc"), "570.86.15", "NVIDIA L4");
        GpuLibraries probe = GpuLibraries.probe(List.of(dir.resolve("empty"), lib), proc);
        assertEquals(List.of(), probe.problems(OrtProvider.TENSORRT));
        assertEquals(List.of(), probe.missing());
        assertEquals("10.9.0", probe.tensorRtVersion());
        assertEquals(Optional.of("12.8.57"), probe.version("libcudart.so.12"));
        assertEquals("NVIDIA L4", probe.gpuModel());
        assertEquals(Optional.of("570.86.15"), probe.driverVersion());
        probe.require(OrtProvider.TENSORRT);
    }

    /** The missing TensorRT libraries stop the tensorrt provider only; the cuda provider starts. */
    @Test
    void missingTensorRtLibrariesStopTheTensorRtProviderAndNameThem() throws IOException {
        Path lib = fullStack(dir.resolve("lib"));
        Files.delete(lib.resolve("libnvinfer.so.10"));
        try (var files = Files.list(lib)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("libnvinfer_builder")).toList()) {
                Files.delete(p);
            }
        }
        GpuLibraries probe = GpuLibraries.probe(List.of(lib), driver(dir.resolve("proc"), "550.54.15", "NVIDIA A10G"));
        assertEquals(List.of(), probe.problems(OrtProvider.CUDA));
        List<String> problems = probe.problems(OrtProvider.TENSORRT);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("missing libnvinfer.so.10, libnvinfer_builder_resource.so.10.*"), problems.get(0));
        assertTrue(problems.get(0).contains(lib.toString()), "names where it looked: " + problems.get(0));
        assertEquals("unknown", probe.tensorRtVersion());
    }

    @Test
    void aDriverTooOldForCuda12OrTensorRt10() throws IOException {
        Path lib = fullStack(dir.resolve("lib"));
        GpuLibraries r470 = GpuLibraries.probe(List.of(lib), driver(dir.resolve("p1"), "470.256.02", "Tesla T4"));
        List<String> cuda = r470.problems(OrtProvider.CUDA);
        assertEquals(1, cuda.size(), cuda.toString());
        assertTrue(cuda.get(0).contains("NVIDIA driver 470.256.02 is too old") && cuda.get(0).contains("525.60.13"), cuda.get(0));
        GpuLibraries r530 = GpuLibraries.probe(List.of(lib), driver(dir.resolve("p2"), "530.30.02", "Tesla T4"));
        assertEquals(List.of(), r530.problems(OrtProvider.CUDA));
        assertTrue(r530.problems(OrtProvider.TENSORRT).get(0).contains("535.0 or later"), r530.problems(OrtProvider.TENSORRT).toString());
    }

    /** A driver loaded (a GPU in /proc) without its CUDA library: the container lacks the toolkit's compute capability. */
    @Test
    void aDriverWithoutItsCudaLibrary() throws IOException {
        Path lib = fullStack(dir.resolve("lib"));
        Files.delete(lib.resolve("libcuda.so.1"));
        List<String> problems = GpuLibraries.probe(List.of(lib), driver(dir.resolve("proc"), "570.86.15", "NVIDIA H100"))
                .problems(OrtProvider.CUDA);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("libcuda.so.1") && problems.get(0).contains("NVIDIA_DRIVER_CAPABILITIES"),
                problems.get(0));
    }

    @Test
    void theLoaderFoldersAreLdLibraryPathThenLdSoConfThenTheSystemFolders() throws IOException {
        Path conf = dir.resolve("ld.so.conf");
        Files.createDirectories(dir.resolve("ld.so.conf.d"));
        Files.writeString(conf, "# comment\ninclude ld.so.conf.d/*.conf\n/opt/extra/lib\n");
        Files.writeString(dir.resolve("ld.so.conf.d/b-cuda.conf"), "/usr/local/cuda/lib64\n");
        Files.writeString(dir.resolve("ld.so.conf.d/a-trt.conf"), "/usr/lib/trt\n");
        List<Path> folders = GpuLibraries.loaderFolders("/ld/one::/ld/two", conf);
        assertEquals(List.of(Path.of("/ld/one"), Path.of("/ld/two"), Path.of("/usr/lib/trt"), Path.of("/usr/local/cuda/lib64"),
                Path.of("/opt/extra/lib")), folders.subList(0, 5));
        assertEquals(GpuLibraries.SYSTEM_FOLDERS, folders.subList(5, folders.size()));
        assertEquals(GpuLibraries.SYSTEM_FOLDERS, GpuLibraries.loaderFolders(null, dir.resolve("none")));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(GpuLibraries.compareVersions("535.104.05", "535.0") > 0);
        assertTrue(GpuLibraries.compareVersions("525.60.13", "525.60.13") == 0);
        assertTrue(GpuLibraries.compareVersions("525.60.2", "525.60.13") < 0);
        assertTrue(GpuLibraries.compareVersions("1000", "999.9") > 0);
    }

    /**
     * On a machine without an NVIDIA driver (this one, CI), the worker with the tensorrt provider stops at start with
     * the check's message, before ONNX Runtime is asked for a GPU provider; and the CPU provider still works after.
     */
    @Test
    void withoutAGpuTheTensorRtProviderStopsTheWorkerAtStartWithTheMessage() throws Exception {
        Assumptions.assumeFalse(Files.exists(GpuLibraries.PROC_NVIDIA.resolve("version")), "this machine has an NVIDIA driver");
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        RuntimeSettings trt = RuntimeSettings.defaults().withOrtProvider(OrtProvider.TENSORRT);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRuntimes.open(folder, trt));
        assertTrue(e.getMessage().startsWith("ONNX Runtime's tensorrt provider cannot start: no NVIDIA GPU or driver"),
                "the text encoder (cuda under tensorrt) is the first GPU session, checked for what the UNet after it "
                        + "needs too: " + e.getMessage());
        assertTrue(e.getMessage().contains("libnvinfer.so.10"), e.getMessage());
        ModelLoadException unet = assertThrows(ModelLoadException.class, () -> ModelRuntimes.openUNet(folder, trt));
        assertTrue(unet.getMessage().startsWith("ONNX Runtime's tensorrt provider cannot start"), unet.getMessage());
        assertTrue(unet.getMessage().contains("libnvinfer.so.10"), unet.getMessage());
        try (UNetRuntime cpu = ModelRuntimes.openUNet(folder, RuntimeSettings.defaults())) {
            assertEquals(4 * 8 * 8, cpu.predictNoise(new float[4 * 8 * 8], 1f, new float[77 * 32], 1, 8, 8).length);
        }
    }

    /**
     * Past the check (a GPU stack laid out here), the UNet goes to ONNX Runtime's TensorRT provider with its engine
     * profile, and ONNX Runtime's own refusal (the CPU jar has no TensorRT provider) stops the start naming the
     * profile and the provider; the cache folder was prepared and recorded first.
     */
    @Test
    void pastTheCheckTheUNetIsBuiltOnTheTensorRtProviderAndItsErrorsStopTheStart() throws Exception {
        GpuLibraries stack = GpuLibraries.probe(List.of(fullStack(dir.resolve("lib"))),
                driver(dir.resolve("proc"), "570.86.15", "NVIDIA L4"));
        ModelFolder folder = ModelFolder.load(TinyModelFiles.tinyModel());
        RuntimeSettings trt = new RuntimeSettings(RuntimeKind.ONNXRUNTIME, OrtProvider.TENSORRT, 0, 0, 0, true,
                Optional.of(dir.resolve("cache")), Optional.empty(), EngineProfiles.parse("2x8x8"), true);
        GpuLibraries previous = GpuLibraries.replaceSystem(stack);
        try {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRuntimes.openUNet(folder, trt));
            assertTrue(e.getMessage().startsWith("UNet profile 2x8x8: cannot load"), e.getMessage());
            assertTrue(e.getMessage().contains("with the tensorrt provider"), e.getMessage());
            assertTrue(Files.isRegularFile(dir.resolve("cache/CACHE-INFO")), "the cache was prepared first");
            assertTrue(Files.readString(dir.resolve("cache/CACHE-INFO")).contains("tensorrt=10.9.0\ngpu=NVIDIA L4"),
                    Files.readString(dir.resolve("cache/CACHE-INFO")));
        } finally {
            GpuLibraries.replaceSystem(previous);
        }
    }

    /** Library files as NVIDIA's packages lay them out: the soname a link to the versioned file. */
    static Path fullStack(Path lib) throws IOException {
        Files.createDirectories(lib);
        String[][] files = {{"libcuda.so.1", "570.86.15"}, {"libcudart.so.12", "12.8.57"}, {"libcublas.so.12", "12.8.4.1"},
                {"libcublasLt.so.12", "12.8.4.1"}, {"libcurand.so.10", "10.3.9.90"}, {"libcufft.so.11", "11.3.3.83"},
                {"libcudnn.so.9", "9.8.0"}, {"libnvinfer.so.10", "10.9.0"}, {"libnvonnxparser.so.10", "10.9.0"}};
        for (String[] f : files) {
            String base = f[0].substring(0, f[0].indexOf(".so.") + 3);
            Path real = lib.resolve(base + "." + f[1]);
            Files.writeString(real, "");
            Files.createSymbolicLink(lib.resolve(f[0]), real.getFileName());
        }
        Files.writeString(lib.resolve("libnvinfer_builder_resource.so.10.9.0"), "");
        return lib;
    }

    /** /proc/driver/nvidia as the kernel module writes it, with one GPU. */
    static Path driver(Path proc, String version, String model) throws IOException {
        Files.createDirectories(proc.resolve("gpus/0000:00:1e.0"));
        Files.writeString(proc.resolve("version"), "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + version
                + "  Release Build  (dvs-builder@U16-I3-B03-4-3)  Thu Jan 16 2025\nGCC version:  gcc version 12.3.0\n");
        Files.writeString(proc.resolve("gpus/0000:00:1e.0/information"), "Model: \t\t " + model + "\nIRQ:   \t\t 37\n"
                + "GPU UUID: \t GPU-5b1e\nBus Type: \t PCIe\n");
        return proc;
    }
}
