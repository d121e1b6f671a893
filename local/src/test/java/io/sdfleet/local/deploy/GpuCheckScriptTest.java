package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/gpu-check.sh cannot run here (no GPU), so what is tested is that it stops early and clearly where it cannot
 * run: without nvidia-smi, with an nvidia-smi that finds no GPU, with a GPU but without the CUDA 12 / cuDNN 9 /
 * TensorRT 10 libraries; each exits 3 naming what is missing and builds nothing (its output folder is not even
 * made). Bad arguments exit 2. The GPU runs themselves are the script's job on a GPU machine (docs/deploy.md).
 */
class GpuCheckScriptTest {
    private static final Path SCRIPT = DeployFiles.root().resolve("tools/gpu-check.sh");

    @TempDir
    Path dir;
    private Path bin;
    private Path out;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeFalse(Files.exists(Path.of("/usr/bin/nvidia-smi")) || Files.exists(Path.of("/bin/nvidia-smi")),
                "this machine has an NVIDIA driver: the no-GPU paths cannot be observed");
        bin = Files.createDirectories(dir.resolve("bin"));
        out = dir.resolve("out");
    }

    @Test
    void withoutNvidiaSmiItStopsAtOnceSayingThereIsNoDriver() throws Exception {
        Result r = run(Map.of(), "--tiny-only", "--out", out.toString());
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("gpu-check: cannot run here: nvidia-smi not found: no NVIDIA driver"), r.output);
        assertTrue(r.output.contains("--gpus"), "names the fix for a container: " + r.output);
        assertFalse(Files.exists(out), "nothing was built or written");
    }

    @Test
    void anNvidiaSmiThatFindsNoGpuStopsItWithNvidiaSmisOwnMessage() throws Exception {
        fake("nvidia-smi", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        Result r = run(Map.of(), "--tiny-only", "--out", out.toString());
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("nvidia-smi finds no usable GPU: NVIDIA-SMI has failed"), r.output);
        assertFalse(Files.exists(out));
    }

    @Test
    void aGpuWithoutTheLibrariesStopsItNamingEachMissingOne() throws Exception {
        fake("nvidia-smi", "echo 'NVIDIA L4, 570.86.15, 8.9'");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("libcuda.so.1"), "");
        Files.writeString(lib.resolve("libcudart.so.12"), "");
        Result r = run(Map.of("LD_LIBRARY_PATH", lib.toString()), "--tiny-only", "--out", out.toString());
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("missing libcublas.so.12 libcublasLt.so.12 libcurand.so.10 libcufft.so.11 libcudnn.so.9 "
                + "libnvinfer.so.10 libnvonnxparser.so.10"), r.output);
        assertFalse(r.output.contains("missing libcuda.so.1"), "found on LD_LIBRARY_PATH: " + r.output);
        assertTrue(r.output.contains("nvcr.io/nvidia/tensorrt:25.03-py3"), r.output);
        assertFalse(Files.exists(out));
    }

    @Test
    void badArgumentsExit2BeforeLookingForAGpu() throws Exception {
        Result none = run(Map.of());
        assertEquals(2, none.exit, none.output);
        assertTrue(none.output.contains("--sd15 DIR is required"), none.output);
        Result notAModel = run(Map.of(), "--sd15", dir.toString());
        assertEquals(2, notAModel.exit, notAModel.output);
        assertTrue(notAModel.output.contains("unet/model.onnx not found"), notAModel.output);
        Result size = run(Map.of(), "--tiny-only", "--size", "500");
        assertEquals(2, size.exit, size.output);
        assertTrue(size.output.contains("--size must be a multiple of 64"), size.output);
    }

    private void fake(String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/usr/bin/env bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Result(int exit, String output) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gpu-check.sh did not stop");
        return new Result(p.exitValue(), output);
    }
}
