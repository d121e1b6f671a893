package io.sdfleet.local.deploy;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.runtime.EngineProfiles;
import io.sdfleet.worker.runtime.RuntimeKind;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds a deployment's worker environment against the worker's real configuration code rather than a copy of
 * its rules: the environment a worker process would see (the image's ENV from docker/worker.Dockerfile, then
 * what compose or Kubernetes sets) must pass {@link WorkerSettings#fromEnv}, so every rule linking two settings
 * (e.g. {@code SDFLEET_RUNTIME=tensorrt} with {@code SDFLEET_ORT_PROVIDER=tensorrt}) is applied exactly as at
 * start-up. The engine-build step (tools/build-trt-engines.sh) must see the same model, runtime, engine folder,
 * profiles and precision as the worker, compared after the worker's own parsing and defaults; and a worker
 * with a CPU limit must run as many ONNX Runtime intra-op threads as the limit allows. Returns problems;
 * asserts nothing. Stateless.
 */
final class WorkerEnvChecks {
    /** Stands in for the host name, the worker id's default (pods and containers have one). */
    static final String HOST_NAME = "host";

    private WorkerEnvChecks() {
    }

    /** ENV of the worker image's last stage (the same file builds the GPU and the CPU image). */
    static Map<String, String> imageEnv() {
        return DockerfileChecks.env(DeployFiles.read(DeployFiles.root().resolve("docker/worker.Dockerfile")));
    }

    /**
     * The environment a process of the worker image gets: image ENV, overridden by the deployment's. Entries
     * without a literal value (downward API, Secret data) are left out: the process gets them at run time.
     */
    static Map<String, String> processEnv(Map<String, String> deploymentEnv) {
        Map<String, String> env = new LinkedHashMap<>(imageEnv());
        deploymentEnv.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        return env;
    }

    /** Problems {@link WorkerSettings#fromEnv} finds in a worker's environment; empty when the worker starts. */
    static List<String> validate(String where, Map<String, String> deploymentEnv) {
        try {
            WorkerSettings.fromEnv(processEnv(deploymentEnv), () -> HOST_NAME);
            return List.of();
        } catch (ConfigException e) {
            List<String> problems = new ArrayList<>();
            for (ConfigProblem p : e.problems()) {
                problems.add(where + ": the worker refuses its configuration: " + p);
            }
            return problems;
        }
    }

    /**
     * What the engine build and the worker must agree on, after the worker's parsing and defaults.
     *
     * @param runtime    the UNet's runtime (the script builds nothing unless tensorrt)
     * @param modelDir   SDFLEET_MODEL_DIR: the UNet the engines are built from
     * @param engineDir  SDFLEET_TRT_ENGINE_DIR, or {@code <model>/unet/trt} as ModelRuntimes.engineDir defaults it
     * @param profiles   SDFLEET_TRT_PROFILES
     * @param fp16       SDFLEET_FP16
     */
    record EngineBuildView(RuntimeKind runtime, Path modelDir, Path engineDir, EngineProfiles profiles, boolean fp16) {
    }

    /** Reads the view of one environment with the worker's settings; problems of the values go to the list. */
    static EngineBuildView engineBuildView(String where, Map<String, String> deploymentEnv, List<String> problems) {
        ConfigReader reader = new ConfigReader(processEnv(deploymentEnv));
        RuntimeSettings settings = RuntimeSettings.read(reader);
        Path model = Path.of(reader.get(WorkerSettings.MODEL_DIR));
        for (ConfigProblem p : reader.problems()) {
            problems.add(where + ": " + p);
        }
        // ModelRuntimes.engineDir's default is <unet/model.onnx>.resolveSibling("trt"), i.e. <model>/unet/trt.
        Path engineDir = settings.engineDir().orElse(model.resolve("unet").resolve("trt"));
        return new EngineBuildView(settings.kind(), model.normalize(), engineDir.normalize(), settings.engineProfiles(), settings.fp16());
    }

    /** Problems when the engine-build step's environment and the worker's give different engines. */
    static List<String> engineBuildProblems(String where, Map<String, String> workerEnv, Map<String, String> buildEnv) {
        List<String> problems = new ArrayList<>();
        EngineBuildView worker = engineBuildView(where + " (worker)", workerEnv, problems);
        EngineBuildView build = engineBuildView(where + " (engine build)", buildEnv, problems);
        if (!worker.equals(build)) {
            problems.add(where + ": the engine build step sees " + build + " but the worker " + worker
                    + ": it would build other engines (or none) than the worker loads");
        }
        return problems;
    }

    /**
     * With a CPU limit, SDFLEET_ORT_INTRA_OP_THREADS must be set to it (rounded down, at least 1): ONNX
     * Runtime's default (0) takes every core of the node and the pod is then throttled.
     *
     * @param cpuLimit the limit in cores, or null when there is none
     */
    static List<String> threadProblems(String where, Map<String, String> deploymentEnv, Double cpuLimit) {
        if (cpuLimit == null) {
            return List.of();
        }
        ConfigReader reader = new ConfigReader(processEnv(deploymentEnv));
        int threads = reader.get(RuntimeSettings.INTRA_OP_THREADS);
        int expected = Math.max(1, (int) Math.floor(cpuLimit));
        if (threads != expected) {
            return List.of(where + ": " + RuntimeSettings.INTRA_OP_THREADS.name() + " is " + threads
                    + " but the CPU limit is " + cpuLimit + " cores: set it to " + expected);
        }
        return List.of();
    }

    /** Cores of a Kubernetes CPU quantity ({@code 2}, {@code 1.5}, {@code 500m}); null when absent. */
    static Double kubernetesCpu(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            return null;
        }
        String q = quantity.strip();
        return q.endsWith("m") ? Double.parseDouble(q.substring(0, q.length() - 1)) / 1000 : Double.parseDouble(q);
    }
}
