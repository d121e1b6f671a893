package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdfleet.worker.runtime.OrtProvider;
import io.sdfleet.worker.runtime.RuntimeKind;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the CUDA 12 / TensorRT 10 worker (docker/worker-trt10.Dockerfile, compose/compose.trt10.yaml,
 * k8s/overlays/trt10) against what its ONNX Runtime needs: an NVIDIA TensorRT 10 base whose CUDA and TensorRT
 * libraries the header names as the onnxruntime_gpu providers' ELF headers NEED them, every Maven run with the GPU
 * profile, the natives baked out of the jar and found through onnxruntime.native.path, the worker's runtime set to
 * ONNX Runtime's TensorRT provider, its engine cache on a volume of its own that survives restarts and can be
 * written, and probes that wait for a first engine build. Returns problems; asserts nothing. Stateless.
 */
final class GpuImageChecks {
    static final String DOCKERFILE = "docker/worker-trt10.Dockerfile";
    static final String TAG_SUFFIX = "-trt10";
    /** How long a first start may build engines before Kubernetes restarts the pod (docs/deploy.md). */
    static final long MIN_STARTUP_SECONDS = 30 * 60;
    /** The CUDA, cuDNN and TensorRT libraries among an ELF's NEEDED entries (glibc and libstdc++ are the base's). */
    private static final Pattern NVIDIA_LIBRARY = Pattern.compile("lib(cu|nv)\\w*\\.so\\.\\d+");
    private static final Pattern BASE = Pattern.compile("nvcr\\.io/nvidia/tensorrt:(\\d\\d)\\.(\\d\\d)-py3");

    private GpuImageChecks() {
    }

    /**
     * The Dockerfile: base, GPU profile on every Maven run, natives baked and pointed at, cache folder made for uid
     * 10001 and declared a volume, and the header's claim of what each provider library NEEDs.
     *
     * @param needed provider library file name (libonnxruntime_providers_cuda.so, ...) → its NEEDED entries
     */
    static List<String> dockerfile(String where, String dockerfile, Map<String, List<String>> needed) {
        List<String> problems = new ArrayList<>();
        List<String> instructions = DockerfileChecks.instructions(dockerfile);
        String base = null;
        for (String i : instructions) {
            Matcher arg = Pattern.compile("ARG RUNTIME_BASE=(\\S+)").matcher(i);
            if (arg.matches()) {
                base = arg.group(1);
            }
        }
        Matcher tag = base == null ? null : BASE.matcher(base);
        if (tag == null || !tag.matches()) {
            problems.add(where + ": the runtime base " + base + " is not an nvcr.io/nvidia/tensorrt:YY.MM-py3 tag");
        } else if (Integer.parseInt(tag.group(1) + tag.group(2)) < 2503) {
            problems.add(where + ": the runtime base " + base + " predates TensorRT 10.9 (25.03), which ONNX Runtime "
                    + "1.22+ is built against");
        }
        String header = header(dockerfile);
        for (String claim : List.of("TensorRT 10", "CUDA 12", "cuDNN 9")) {
            if (!header.contains(claim)) {
                problems.add(where + ": the header does not say which " + claim.split(" ")[0] + " the base has (" + claim + ".x)");
            }
        }
        int mavenRuns = 0;
        for (String i : instructions) {
            if (i.startsWith("RUN ") && i.contains("mvn ")) {
                for (String run : i.split("&&")) {
                    if (run.contains("mvn ")) {
                        mavenRuns++;
                        if (!run.contains("-Dsdfleet.gpu")) {
                            problems.add(where + ": a Maven run without -Dsdfleet.gpu builds with the CPU onnxruntime jar: "
                                    + run.strip());
                        }
                    }
                }
            }
        }
        if (mavenRuns == 0) {
            problems.add(where + ": no Maven run");
        }
        String entrypoint = instructions.stream().filter(i -> i.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElse("");
        Matcher nativePath = Pattern.compile("-Donnxruntime\\.native\\.path=([^\"\\s]+)").matcher(entrypoint);
        if (!nativePath.find()) {
            problems.add(where + ": the ENTRYPOINT sets no -Donnxruntime.native.path: ONNX Runtime would unpack ~400 MB "
                    + "of natives into /tmp at every start");
        } else {
            String folder = nativePath.group(1);
            boolean copied = instructions.stream().anyMatch(i -> i.startsWith("COPY --from=build ") && i.endsWith(" " + folder));
            boolean baked = instructions.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("BakeOrtNatives.java"));
            if (!copied || !baked) {
                problems.add(where + ": onnxruntime.native.path " + folder + " is not " + (baked ? "" : "baked by "
                        + "BakeOrtNatives.java and ") + "copied from the build stage");
            }
        }
        Map<String, String> env = DockerfileChecks.env(dockerfile);
        problems.addAll(runtimeEnv(where + " ENV", env));
        String cache = env.get(RuntimeSettings.TRT_CACHE_DIR.name());
        if (cache != null) {
            boolean volume = instructions.stream().anyMatch(i -> i.startsWith("VOLUME ") && i.contains("\"" + cache + "\""));
            boolean owned = instructions.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains(cache)
                    && i.contains("chown 10001:10001") && i.substring(i.indexOf("chown")).contains(cache));
            if (!volume || !owned) {
                problems.add(where + ": the engine cache " + cache + " must be created owned by uid 10001 and declared a "
                        + "VOLUME (a named volume then starts writable, and engines survive the container)");
            }
        }
        problems.addAll(linkProblems(where, header, needed));
        return problems;
    }

    /** The header's "for LIB: a, b and c" claims against each provider library's NEEDED CUDA/TensorRT entries. */
    static List<String> linkProblems(String where, String header, Map<String, List<String>> needed) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : needed.entrySet()) {
            TreeSet<String> actual = new TreeSet<>(e.getValue().stream().filter(n -> NVIDIA_LIBRARY.matcher(n).matches()).toList());
            Matcher claim = Pattern.compile("for " + Pattern.quote(e.getKey()) + ": ([^;.]*(?:\\.so\\.\\d+[^;.]*)*)").matcher(header);
            if (!claim.find()) {
                problems.add(where + ": the header does not say which libraries " + e.getKey() + " NEEDs (" + actual + ")");
                continue;
            }
            TreeSet<String> claimed = new TreeSet<>();
            Matcher lib = NVIDIA_LIBRARY.matcher(claim.group(1));
            while (lib.find()) {
                claimed.add(lib.group());
            }
            if (!claimed.equals(actual)) {
                problems.add(where + ": the header says " + e.getKey() + " NEEDs " + claimed + ", its ELF dynamic section "
                        + "NEEDs " + actual);
            }
        }
        return problems;
    }

    /** The worker runs the UNet on ONNX Runtime's TensorRT provider and keeps its engines in a cache folder. */
    static List<String> runtimeEnv(String where, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        if (!RuntimeKind.ONNXRUNTIME.configValue().equals(env.get(RuntimeSettings.KIND.name()))) {
            problems.add(where + ": " + RuntimeSettings.KIND.name() + " is " + env.get(RuntimeSettings.KIND.name())
                    + ", must be onnxruntime (DJL's TensorRT 8 engine cannot load in a TensorRT 10 image)");
        }
        if (!OrtProvider.TENSORRT.configValue().equals(env.get(RuntimeSettings.ORT_PROVIDER.name()))) {
            problems.add(where + ": " + RuntimeSettings.ORT_PROVIDER.name() + " is " + env.get(RuntimeSettings.ORT_PROVIDER.name())
                    + ", must be tensorrt");
        }
        if (env.get(RuntimeSettings.TRT_CACHE_DIR.name()) == null) {
            problems.add(where + ": " + RuntimeSettings.TRT_CACHE_DIR.name() + " unset: the engines would be built into "
                    + "java.io.tmpdir and lost with the container");
        }
        return problems;
    }

    /**
     * Compose with the override merged: every worker on the -trt10 image built from the GPU Dockerfile, on the
     * TensorRT provider, with a named volume of its own at its cache folder.
     *
     * @param declaredVolumes the named volumes the compose files declare at top level
     */
    static List<String> compose(String where, JsonNode merged, Path composeDir, java.util.Set<String> declaredVolumes) {
        List<String> problems = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        ComposeChecks.workers(merged).forEach((i, w) -> {
            String name = where + " worker-" + i;
            String image = w.path("image").asText();
            if (!image.endsWith(TAG_SUFFIX)) {
                problems.add(name + ": image " + image + " is not a " + TAG_SUFFIX + " tag");
            }
            Path dockerfile = composeDir.resolve(w.path("build").path("context").asText(".")).resolve(
                    w.path("build").path("dockerfile").asText("")).normalize();
            if (!dockerfile.endsWith(Path.of(DOCKERFILE))) {
                problems.add(name + ": builds " + dockerfile + ", not " + DOCKERFILE);
            }
            Map<String, String> env = WorkerEnvChecks.processEnv(DeployFiles.stringMap(w.path("environment")));
            problems.addAll(runtimeEnv(name, env));
            String cache = env.get(RuntimeSettings.TRT_CACHE_DIR.name());
            String volume = null;
            for (JsonNode v : w.path("volumes")) {
                String[] parts = v.asText().split(":");
                if (parts.length >= 2 && parts[1].equals(cache)) {
                    volume = parts[0];
                    if (parts.length > 2 && parts[2].contains("ro")) {
                        problems.add(name + ": the engine cache " + cache + " is mounted read-only");
                    }
                }
            }
            if (volume == null) {
                problems.add(name + ": no volume at the engine cache " + cache + ": every restart would rebuild the engines");
            } else if (volume.startsWith(".") || volume.startsWith("/") || !declaredVolumes.contains(volume)) {
                problems.add(name + ": the engine cache volume " + volume + " is not a declared named volume");
            } else if (owners.putIfAbsent(volume, name) != null) {
                problems.add(name + ": shares the engine cache volume " + volume + " with " + owners.get(volume)
                        + ": two workers building into one folder can read each other's half-written engines");
            }
        });
        return problems;
    }

    /**
     * The rendered Kubernetes overlay: the -trt10 image, the TensorRT provider, no engine-build init container, the
     * cache folder on a per-pod claim (volumeClaimTemplates) mounted read-write, and a startup probe long enough.
     */
    static List<String> kubernetes(String where, Manifests k) {
        List<String> problems = new ArrayList<>();
        JsonNode workload = k.get(KubernetesChecks.WORKLOAD_KIND, KubernetesChecks.WORKLOAD);
        JsonNode pod = KubernetesChecks.pod(workload);
        JsonNode container = KubernetesChecks.named(pod.path("containers"), KubernetesChecks.CONTAINER);
        String image = container.path("image").asText();
        if (!image.endsWith(TAG_SUFFIX)) {
            problems.add(where + ": worker image " + image + " is not a " + TAG_SUFFIX + " tag");
        }
        for (JsonNode init : pod.path("initContainers")) {
            problems.add(where + ": init container " + init.path("name").asText() + " runs the " + TAG_SUFFIX
                    + " image for nothing (ONNX Runtime builds the engines in the worker)");
        }
        Map<String, String> env = WorkerEnvChecks.processEnv(KubernetesChecks.workerEnv(k, container, problems));
        problems.addAll(runtimeEnv(where, env));
        String cache = env.get(RuntimeSettings.TRT_CACHE_DIR.name());
        Map<String, JsonNode> claims = new LinkedHashMap<>();
        for (JsonNode t : workload.path("spec").path("volumeClaimTemplates")) {
            claims.put(t.path("metadata").path("name").asText(), t);
        }
        JsonNode mount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(cache)) {
                mount = m;
            }
        }
        if (mount == null) {
            problems.add(where + ": nothing is mounted at the engine cache " + cache + " (the root file system is "
                    + "read-only, and the engines would be rebuilt on every start)");
        } else {
            if (mount.path("readOnly").asBoolean(false)) {
                problems.add(where + ": the engine cache " + cache + " is mounted read-only");
            }
            if (!claims.containsKey(mount.path("name").asText())) {
                problems.add(where + ": the engine cache volume " + mount.path("name").asText() + " is no volumeClaimTemplate "
                        + "of the StatefulSet: it must be a claim of each pod's own (persistent, never shared)");
            }
        }
        JsonNode startup = container.path("startupProbe");
        long seconds = startup.path("periodSeconds").asLong(10) * startup.path("failureThreshold").asLong(3);
        if (seconds < MIN_STARTUP_SECONDS) {
            problems.add(where + ": the startup probe gives up after " + seconds + " s, less than the "
                    + MIN_STARTUP_SECONDS + " s a first engine build may take");
        }
        return problems;
    }

    private static String header(String dockerfile) {
        StringBuilder header = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            if (!line.startsWith("#")) {
                break;
            }
            header.append(line.substring(1)).append(' ');
        }
        return header.toString().replaceAll("\\s+", " ");
    }
}
