package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the onnxruntime_gpu jar's CUDA and TensorRT providers need from the machine, checked in plain Java before
 * ONNX Runtime is asked to load them: an NVIDIA GPU and driver visible to the process, a driver new enough, and each
 * shared library the providers' ELF headers NEED, found where the dynamic loader looks.
 *
 * <p>Why before: ONNX Runtime reports a missing library only as the first dlopen error of the provider it loads
 * (one name, often after minutes of model loading), and a driver too old for CUDA 12 shows up as an opaque CUDA
 * error; a provider whose libraries are half there can also take the process down in native code. This check
 * reports every missing piece at once, naming the library, the cause and the fix, and the worker stops at start.
 *
 * <p>Where it looks is given, not read from globals ({@link #probe(List, Path)}), so tests point it at folders they
 * control: the library folders the loader searches (LD_LIBRARY_PATH, then the folders of /etc/ld.so.conf, then the
 * system folders) and the driver's /proc/driver/nvidia. A library is found when a file with its exact soname is in
 * one of the folders; its version is read from the file the soname resolves to (libnvinfer.so.10 →
 * libnvinfer.so.10.9.0). Immutable; thread-safe.
 *
 * @param libraries soname → the real file it resolves to, for every soname found
 * @param missing sonames needed and not found, in the order they are needed
 * @param driverVersion the kernel driver's version from /proc/driver/nvidia/version, if there is a driver
 * @param gpus GPU model names from /proc/driver/nvidia/gpus/{@literal *}/information, sorted, distinct
 * @param searched the folders searched, in order
 */
public record GpuLibraries(Map<String, Path> libraries, List<String> missing, Optional<String> driverVersion,
        List<String> gpus, List<Path> searched) {

    /** The driver library: mounted into a container by the NVIDIA Container Toolkit, installed on a host with the driver. */
    static final String DRIVER_LIBRARY = "libcuda.so.1";
    /** NEEDED by libonnxruntime_providers_cuda.so of onnxruntime_gpu 1.23.2 (readelf -d), besides glibc and libstdc++. */
    static final List<String> CUDA_LIBRARIES = List.of("libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12",
            "libcurand.so.10", "libcufft.so.11", "libcudnn.so.9");
    /**
     * NEEDED by libonnxruntime_providers_tensorrt.so of onnxruntime_gpu 1.23.2, besides the CUDA ones above. TensorRT
     * 10 also dlopens libnvinfer_builder_resource.so.10.* when it builds an engine ({@link #BUILDER_RESOURCE}).
     */
    static final List<String> TENSORRT_LIBRARIES = List.of("libnvinfer.so.10", "libnvonnxparser.so.10");
    /** TensorRT 10's builder resource, named with the full version (libnvinfer_builder_resource.so.10.9.0). */
    static final Pattern BUILDER_RESOURCE = Pattern.compile("libnvinfer_builder_resource\\.so\\.10(\\.\\d+)*");
    static final String BUILDER_RESOURCE_NAME = "libnvinfer_builder_resource.so.10.*";
    /**
     * Oldest kernel driver that runs CUDA 12 applications (CUDA's minor-version compatibility floor); TensorRT 10
     * needs R535.
     */
    static final String MIN_DRIVER_CUDA = "525.60.13";
    static final String MIN_DRIVER_TENSORRT = "535.0";
    /** The system folders the dynamic loader searches after LD_LIBRARY_PATH and ld.so.conf (x86_64 Debian/Ubuntu). */
    static final List<Path> SYSTEM_FOLDERS = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));
    static final Path PROC_NVIDIA = Path.of("/proc/driver/nvidia");
    private static final Pattern DRIVER = Pattern.compile("Kernel Module\\s+(\\d+(?:\\.\\d+)+)");
    private static final Pattern MODEL = Pattern.compile("(?m)^Model:\\s*(.+?)\\s*$");

    private static GpuLibraries system;

    public GpuLibraries {
        libraries = Map.copyOf(libraries);
        missing = List.copyOf(missing);
        gpus = List.copyOf(gpus);
        searched = List.copyOf(searched);
    }

    /** This process's libraries and driver, probed once (the loader's folders do not change while it runs). */
    static synchronized GpuLibraries system() {
        if (system == null) {
            system = probe(loaderFolders(System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.conf")), PROC_NVIDIA);
        }
        return system;
    }

    /**
     * Makes {@code probe} what {@link #system()} answers (tests: a machine with a GPU stack they laid out) and returns
     * what it answered before (null if it had not probed yet), so the caller can put it back.
     */
    static synchronized GpuLibraries replaceSystem(GpuLibraries probe) {
        GpuLibraries previous = system;
        system = probe;
        return previous;
    }

    /**
     * The folders the dynamic loader searches, in its order: LD_LIBRARY_PATH, the folders named in ld.so.conf and
     * the files it includes, then {@link #SYSTEM_FOLDERS}.
     */
    static List<Path> loaderFolders(String ldLibraryPath, Path ldSoConf) {
        Set<Path> folders = new LinkedHashSet<>();
        if (ldLibraryPath != null) {
            for (String part : ldLibraryPath.split(":")) {
                if (!part.isBlank()) {
                    folders.add(Path.of(part.strip()));
                }
            }
        }
        readConf(ldSoConf, folders, 0);
        folders.addAll(SYSTEM_FOLDERS);
        return List.copyOf(folders);
    }

    private static void readConf(Path conf, Set<Path> folders, int depth) {
        if (depth > 4 || !Files.isRegularFile(conf)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(conf)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("include ")) {
                    String glob = l.substring("include ".length()).strip();
                    Path pattern = conf.resolveSibling(glob).normalize();
                    Path dir = pattern.getParent();
                    if (dir != null && Files.isDirectory(dir)) {
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, pattern.getFileName().toString())) {
                            List<Path> sorted = new ArrayList<>();
                            files.forEach(sorted::add);
                            sorted.sort(null);
                            for (Path f : sorted) {
                                readConf(f, folders, depth + 1);
                            }
                        }
                    }
                } else if (l.startsWith("/")) {
                    folders.add(Path.of(l));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable ld.so.conf: the loader would not use it either
        }
    }

    /** Probes the given folders and driver folder for what the CUDA and TensorRT providers need. */
    static GpuLibraries probe(List<Path> folders, Path procNvidia) {
        Map<String, Path> found = new java.util.LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        wanted.add(DRIVER_LIBRARY);
        wanted.addAll(CUDA_LIBRARIES);
        wanted.addAll(TENSORRT_LIBRARIES);
        for (String soname : wanted) {
            Optional<Path> file = folders.stream().map(f -> f.resolve(soname)).filter(Files::exists).findFirst();
            if (file.isPresent()) {
                found.put(soname, realFile(file.get()));
            } else {
                missing.add(soname);
            }
        }
        Optional<Path> resource = folders.stream().flatMap(GpuLibraries::list)
                .filter(p -> BUILDER_RESOURCE.matcher(p.getFileName().toString()).matches()).findFirst();
        if (resource.isPresent()) {
            found.put(BUILDER_RESOURCE_NAME, realFile(resource.get()));
        } else {
            missing.add(BUILDER_RESOURCE_NAME);
        }
        return new GpuLibraries(found, missing, driverVersion(procNvidia), gpuModels(procNvidia), folders);
    }

    private static Stream<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static Path realFile(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    private static Optional<String> driverVersion(Path procNvidia) {
        try {
            Matcher m = DRIVER.matcher(Files.readString(procNvidia.resolve("version")));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> gpuModels(Path procNvidia) {
        Set<String> models = new TreeSet<>();
        list(procNvidia.resolve("gpus")).forEach(gpu -> {
            try {
                Matcher m = MODEL.matcher(Files.readString(gpu.resolve("information")));
                if (m.find()) {
                    models.add(m.group(1));
                }
            } catch (IOException | RuntimeException e) {
                // a GPU folder without information: not counted
            }
        });
        return List.copyOf(models);
    }

    /** The version a library's real file name carries ({@code libnvinfer.so.10.9.0} → {@code 10.9.0}), if found. */
    Optional<String> version(String soname) {
        Path file = libraries.get(soname);
        if (file == null) {
            return Optional.empty();
        }
        String name = file.getFileName().toString();
        int so = name.indexOf(".so.");
        return so < 0 ? Optional.empty() : Optional.of(name.substring(so + ".so.".length()));
    }

    /** TensorRT's version as the libnvinfer.so.10 file says, or "unknown". */
    String tensorRtVersion() {
        return version("libnvinfer.so.10").orElse("unknown");
    }

    /** The GPU models, joined, or "unknown" when the driver lists none. */
    String gpuModel() {
        return gpus.isEmpty() ? "unknown" : String.join(" + ", gpus);
    }

    /** Every problem that stops the given provider, each naming the cause and the fix; empty when it can start. */
    List<String> problems(OrtProvider provider) {
        List<String> problems = new ArrayList<>();
        if (!provider.usesGpu()) {
            return problems;
        }
        boolean driver = driverVersion.isPresent() || libraries.containsKey(DRIVER_LIBRARY);
        if (!driver) {
            problems.add("no NVIDIA GPU or driver is visible to this process (" + PROC_NVIDIA + "/version is missing and "
                    + DRIVER_LIBRARY + " is not in " + folderList() + "): run it on a GPU node with the NVIDIA driver, and "
                    + "in a container with the NVIDIA Container Toolkit (docker run --gpus, a compose device reservation, "
                    + "a Kubernetes nvidia.com/gpu limit)");
        } else {
            if (!libraries.containsKey(DRIVER_LIBRARY)) {
                problems.add(DRIVER_LIBRARY + " (the driver's CUDA library) is not in " + folderList() + " although a "
                        + "driver is loaded: the container was started without the NVIDIA Container Toolkit's 'compute' "
                        + "capability (set NVIDIA_DRIVER_CAPABILITIES=compute,utility) or the host's driver libraries are "
                        + "not on the library path");
            }
            String minimum = provider == OrtProvider.TENSORRT ? MIN_DRIVER_TENSORRT : MIN_DRIVER_CUDA;
            driverVersion.filter(v -> compareVersions(v, minimum) < 0).ifPresent(v -> problems.add("the NVIDIA driver "
                    + v + " is too old: ONNX Runtime's " + provider + " provider runs on CUDA 12"
                    + (provider == OrtProvider.TENSORRT ? " and TensorRT 10" : "") + ", which need driver " + minimum
                    + " or later: upgrade the node's driver (R535 or R550 data-center branches, or R570 and later)"));
        }
        List<String> needed = new ArrayList<>(CUDA_LIBRARIES);
        if (provider == OrtProvider.TENSORRT) {
            needed.addAll(TENSORRT_LIBRARIES);
            needed.add(BUILDER_RESOURCE_NAME);
        }
        List<String> absent = needed.stream().filter(missing::contains).toList();
        if (!absent.isEmpty()) {
            problems.add("missing " + String.join(", ", absent) + " (searched " + folderList() + "): the onnxruntime_gpu "
                    + "jar's " + provider + " provider needs CUDA 12, cuDNN 9" + (provider == OrtProvider.TENSORRT
                    ? " and TensorRT 10" : "") + ". Use the sdfleet/worker:*-trt10 image (docker/worker-trt10.Dockerfile, "
                    + "nvcr.io/nvidia/tensorrt 25.03 base) or install them and add their lib folders to LD_LIBRARY_PATH");
        }
        return problems;
    }

    /** Throws naming every problem when the provider cannot start here; returns when it can. */
    void require(OrtProvider provider) throws ModelLoadException {
        List<String> problems = problems(provider);
        if (!problems.isEmpty()) {
            throw new ModelLoadException("ONNX Runtime's " + provider + " provider cannot start: "
                    + String.join("; ", problems) + ". Or set SDFLEET_ORT_PROVIDER=cpu to run without a GPU.");
        }
    }

    private String folderList() {
        return searched.size() <= 8 ? searched.toString()
                : searched.subList(0, 8) + " and " + (searched.size() - 8) + " more folders";
    }

    /** Compares dotted numeric versions (525.60.13 vs 535.0); missing parts count as 0. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }
}
