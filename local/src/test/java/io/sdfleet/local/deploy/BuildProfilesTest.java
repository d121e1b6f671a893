package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime jar each build profile puts on the worker's and local's class paths, read from Maven's resolved
 * dependency trees ({@code mvn dependency:tree}, run on this repository): by default only
 * {@code com.microsoft.onnxruntime:onnxruntime}, with {@code -Dsdfleet.gpu} (and with {@code -Pgpu}) only
 * {@code onnxruntime_gpu}, never both, always at the root pom's {@code onnxruntime.version}, and not the 1.21.1 that
 * DJL's onnxruntime-engine declares. Needs {@code mvn} on the PATH (as CI has).
 */
class BuildProfilesTest {
    private static final Path ROOT = DeployFiles.root();
    private static final String GROUP = "com.microsoft.onnxruntime";
    private static final Pattern MODULE = Pattern.compile("Building (sdfleet-\\w+) ");
    private static final Pattern ARTIFACT = Pattern.compile("com\\.microsoft\\.onnxruntime:(\\w+):jar:([\\w.-]+):(\\w+)");

    @Test
    void theDefaultBuildHasOnlyTheCpuJar() throws Exception {
        Map<String, List<String>> trees = onnxRuntimeJars();
        assertEquals(Map.of("sdfleet-worker", List.of("onnxruntime:" + ortVersion()),
                "sdfleet-local", List.of("onnxruntime:" + ortVersion())), trees);
    }

    @Test
    void theGpuPropertyHasOnlyTheGpuJarInEveryModule() throws Exception {
        Map<String, List<String>> trees = onnxRuntimeJars("-Dsdfleet.gpu");
        assertEquals(Map.of("sdfleet-worker", List.of("onnxruntime_gpu:" + ortVersion()),
                "sdfleet-local", List.of("onnxruntime_gpu:" + ortVersion())), trees);
    }

    @Test
    void theGpuProfileIdAloneNeverAddsTheGpuJarBesideTheCpuOne() throws Exception {
        Map<String, List<String>> trees = onnxRuntimeJars("-Pgpu");
        trees.forEach((module, jars) -> assertEquals(1, jars.size(), module + " has " + jars));
        assertEquals(List.of("onnxruntime_gpu:" + ortVersion()), trees.get("sdfleet-worker"));
    }

    /** This very test runs on the default profile's class path: one ONNX Runtime jar, at the pinned version. */
    @Test
    void theTestClassPathHasExactlyOneOnnxRuntimeJar() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("onnxruntime(_gpu)?-[0-9].*\\.jar")) {
                jars.add(name);
            }
        }
        assertEquals(List.of("onnxruntime-" + ortVersion() + ".jar"), jars);
    }

    /** The root pom's {@code onnxruntime.version}. */
    static String ortVersion() {
        Matcher m = Pattern.compile("<onnxruntime\\.version>([^<]+)</onnxruntime\\.version>")
                .matcher(DeployFiles.read(ROOT.resolve("pom.xml")));
        assertTrue(m.find(), "onnxruntime.version in the root pom");
        return m.group(1).strip();
    }

    /**
     * The onnxruntime_gpu jar of {@link #ortVersion} in the local Maven repository (found beside the CPU jar on this
     * class path), fetched there with {@code mvn dependency:get} when it is missing.
     */
    static Path gpuJar() throws IOException {
        String version = ortVersion();
        Path cpu = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("onnxruntime-" + version + ".jar")) {
                cpu = Path.of(entry);
            }
        }
        assertTrue(cpu != null, "onnxruntime-" + version + ".jar on the class path");
        // <repo>/com/microsoft/onnxruntime/onnxruntime/<v>/onnxruntime-<v>.jar
        Path repository = cpu.getParent().getParent().getParent().getParent().getParent().getParent();
        Path gpu = repository.resolve("com/microsoft/onnxruntime/onnxruntime_gpu/" + version + "/onnxruntime_gpu-" + version + ".jar");
        if (!Files.isRegularFile(gpu)) {
            String out = mvn("-B", "-q", "dependency:get", "-Dartifact=" + GROUP + ":onnxruntime_gpu:" + version,
                    "-Dtransitive=false", "-Dmaven.repo.local=" + repository);
            assertTrue(Files.isRegularFile(gpu), "mvn dependency:get did not bring " + gpu + ":\n" + out);
        }
        return gpu;
    }

    /** Module → the ONNX Runtime artifacts ("artifact:version") of its dependency tree, for worker and local. */
    private static Map<String, List<String>> onnxRuntimeJars(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("-B", "-pl", "worker,local", "-am", "dependency:tree",
                "-Dincludes=" + GROUP));
        command.addAll(List.of(args));
        String out = mvn(command.toArray(String[]::new));
        Map<String, List<String>> jars = new LinkedHashMap<>();
        String module = null;
        for (String line : out.split("\n")) {
            Matcher m = MODULE.matcher(line);
            if (m.find()) {
                module = m.group(1);
            }
            Matcher a = ARTIFACT.matcher(line);
            if (a.find() && module != null && (module.equals("sdfleet-worker") || module.equals("sdfleet-local"))) {
                assertEquals("compile", a.group(3), line);
                jars.computeIfAbsent(module, k -> new ArrayList<>()).add(a.group(1) + ":" + a.group(2));
            }
        }
        assertTrue(out.contains("BUILD SUCCESS"), "mvn " + command + " failed:\n" + out);
        return jars;
    }

    private static String mvn(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("mvn");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        // the outer build's switches must not leak in (a -Dsdfleet.gpu run of this suite would change every tree)
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("mvn " + command + " did not finish in 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return out;
    }
}
