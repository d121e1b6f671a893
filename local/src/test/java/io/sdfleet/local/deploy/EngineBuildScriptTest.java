package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.EngineProfile;
import io.sdfleet.worker.runtime.EngineProfiles;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/build-trt-engines.sh writes the engines where and under the names the worker's TensorRT runtime looks
 * for them, with static shapes: with no settings (its defaults are the worker's declared defaults), and with the
 * worker's SDFLEET_TRT_* variables set (it reads them with the worker's meaning). Compose and Kubernetes give
 * the engine-build step and the worker the same values. Runs the script with --dry-run (bash, no TensorRT
 * needed) on the committed tiny model.
 */
class EngineBuildScriptTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Path SCRIPT = ROOT.resolve("tools/build-trt-engines.sh");
    private static final Pattern SAVE = Pattern.compile("--saveEngine=(\\S+)");
    private static final Pattern SHAPES = Pattern.compile(
            "--shapes=sample:(\\d+)x(\\d+)x(\\d+)x(\\d+),timestep:(\\d+),encoder_hidden_states:(\\d+)x(\\d+)x(\\d+)");

    @Test
    void scriptDefaultsAreTheWorkersDeclaredDefaults() {
        String script = DeployFiles.read(SCRIPT);
        assertEquals(RuntimeSettings.ENGINE_PROFILES.defaultValue(), EngineProfiles.parse(assignment(script, "DEFAULT_PROFILES")));
        assertEquals(RuntimeSettings.FP16.defaultValue(), RuntimeSettings.FP16.parse(assignment(script, "DEFAULT_FP16")));
        assertEquals(WorkerSettings.MODEL_DIR.defaultValue(), defaultOf(script, "model_dir", WorkerSettings.MODEL_DIR.name()));
        assertEquals(RuntimeSettings.KIND.name(), "SDFLEET_RUNTIME");
        assertTrue(script.contains("\"${" + RuntimeSettings.ENGINE_DIR.name() + ":-}\""), "reads SDFLEET_TRT_ENGINE_DIR");
        assertTrue(script.contains("\"${" + RuntimeSettings.ENGINE_PROFILES.name() + ":-$DEFAULT_PROFILES}\""),
                "reads SDFLEET_TRT_PROFILES");
        assertTrue(script.contains("\"${" + RuntimeSettings.FP16.name() + ":-$DEFAULT_FP16}\""), "reads SDFLEET_FP16");
    }

    @Test
    void dryRunWithDefaultsBuildsOneStaticEnginePerDefaultProfileWhereTheWorkerLooks() throws Exception {
        Path model = ROOT.resolve("models/tiny-sd");
        List<String> lines = dryRun(Map.of(), "--dry-run", "--model-dir", model.toString());
        RuntimeSettings defaults = RuntimeSettings.defaults();
        Path engineDir = ModelRuntimes.engineDir(ModelFolder.load(model), defaults);
        assertPlanned(lines, model, engineDir, RuntimeSettings.ENGINE_PROFILES.defaultValue(), defaults.fp16());
        System.out.println("deploy: build-trt-engines.sh plans " + lines.size() + " engines in " + engineDir);
    }

    @Test
    void dryRunReadsTheWorkersVariablesAsTheWorkerDoes(@TempDir Path engines) throws Exception {
        Path model = ROOT.resolve("models/tiny-sd");
        Map<String, String> env = new LinkedHashMap<>();
        env.put(WorkerSettings.MODEL_DIR.name(), model.toString());
        env.put(RuntimeSettings.KIND.name(), "tensorrt");
        env.put(RuntimeSettings.ENGINE_DIR.name(), engines.toString());
        env.put(RuntimeSettings.ENGINE_PROFILES.name(), "2x64x64, 4X32x48");
        env.put(RuntimeSettings.FP16.name(), "False");
        ConfigReader reader = new ConfigReader(env);
        RuntimeSettings worker = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        List<String> lines = dryRun(env, "--dry-run");
        assertPlanned(lines, model, ModelRuntimes.engineDir(ModelFolder.load(model), worker), worker.engineProfiles(),
                worker.fp16());
    }

    @Test
    void composeGivesTheEngineBuildTheWorkersValues() {
        Path compose = ROOT.resolve("compose");
        Map<String, String> dotenv = DeployFiles.envFile(compose.resolve(".env.example"));
        ObjectNode gpu = ComposeChecks.load(compose.resolve("compose.yaml"), dotenv);
        ObjectNode cpu = ComposeChecks.merge(gpu, ComposeChecks.load(compose.resolve("compose.cpu.yaml"), dotenv));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> file : Map.of("compose.yaml", gpu, "compose.yaml + compose.cpu.yaml", cpu).entrySet()) {
            JsonNode services = file.getValue().path("services");
            Map<String, String> build = DeployFiles.stringMap(services.path(ComposeChecks.ENGINE_BUILD_SERVICE).path("environment"));
            ComposeChecks.workers(file.getValue()).forEach((i, w) -> problems.addAll(WorkerEnvChecks.engineBuildProblems(
                    file.getKey() + " worker-" + i, DeployFiles.stringMap(w.path("environment")), build)));
            System.out.println("deploy: " + file.getKey() + " engines " + WorkerEnvChecks.engineBuildView(file.getKey(), build, problems));
        }
        DeploymentFilesTest.assertNoProblems(problems);
        assertEquals("tensorrt", DeployFiles.stringMap(gpu.path("services").path("worker-0").path("environment"))
                .get(RuntimeSettings.KIND.name()), "the GPU compose file runs the UNet on TensorRT");
    }

    @Test
    void kubernetesGivesTheInitContainerTheWorkersValues() {
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        JsonNode pod = KubernetesChecks.pod(DeploymentFilesTest.workload(base));
        List<String> problems = new ArrayList<>();
        Map<String, String> worker = KubernetesChecks.workerEnv(base,
                KubernetesChecks.named(pod.path("containers"), KubernetesChecks.CONTAINER), problems);
        JsonNode init = KubernetesChecks.named(pod.path("initContainers"), KubernetesChecks.ENGINE_BUILD_CONTAINER);
        assertFalse(init == null, "the base builds engines in an init container");
        Map<String, String> build = KubernetesChecks.workerEnv(base, init, problems);
        problems.addAll(WorkerEnvChecks.engineBuildProblems("k8s base", worker, build));
        for (String name : List.of(RuntimeSettings.ENGINE_DIR.name(), RuntimeSettings.ENGINE_PROFILES.name())) {
            if (!worker.containsKey(name) || !build.containsKey(name)) {
                problems.add("k8s base: " + name + " must be set explicitly for the worker and the init container");
            }
        }
        System.out.println("deploy: k8s base engines " + WorkerEnvChecks.engineBuildView("k8s", build, problems));
        DeploymentFilesTest.assertNoProblems(problems);
    }

    /**
     * No deploy file pins TRT_HIDDEN_SIZE to another width than the model it builds: compose (with .env.example,
     * as `cp .env.example .env` leaves it) for the GPU and the CPU files, and every rendered k8s init container.
     * The script then reads the width from unet/config.json; the dry run shows that for the tiny model (32).
     */
    @Test
    void noDeployFilePinsAHiddenSizeThatDisagreesWithItsModel() throws Exception {
        Path compose = ROOT.resolve("compose");
        Map<String, String> dotenv = DeployFiles.envFile(compose.resolve(".env.example"));
        List<String> problems = new ArrayList<>();
        ObjectNode gpu = ComposeChecks.load(compose.resolve("compose.yaml"), dotenv);
        ObjectNode cpu = ComposeChecks.merge(gpu, ComposeChecks.load(compose.resolve("compose.cpu.yaml"), dotenv));
        for (Map.Entry<String, ObjectNode> file : Map.of("compose.yaml", gpu, "compose.yaml + compose.cpu.yaml", cpu).entrySet()) {
            JsonNode build = file.getValue().path("services").path(ComposeChecks.ENGINE_BUILD_SERVICE);
            Map<String, String> env = DeployFiles.stringMap(build.path("environment"));
            String modelDir = WorkerEnvChecks.processEnv(env).get(WorkerSettings.MODEL_DIR.name());
            Path model = EngineHiddenSize.resolve(modelDir, ComposeChecks.bindMounts(build, compose));
            assertEquals(ROOT.resolve("models/tiny-sd"), model, file.getKey() + ": the model is known to the files");
            problems.addAll(EngineHiddenSize.problems(file.getKey(), env.get(EngineHiddenSize.VARIABLE), modelDir, model));
        }
        for (String dir : List.of("k8s/base", "k8s/overlays/dev")) {
            Manifests k = Manifests.render(ROOT.resolve(dir));
            JsonNode init = KubernetesChecks.named(KubernetesChecks.pod(DeploymentFilesTest.workload(k)).path("initContainers"),
                    KubernetesChecks.ENGINE_BUILD_CONTAINER);
            if (init != null) {
                Map<String, String> env = KubernetesChecks.workerEnv(k, init, problems);
                String modelDir = WorkerEnvChecks.processEnv(env).get(WorkerSettings.MODEL_DIR.name());
                problems.addAll(EngineHiddenSize.problems(dir, env.get(EngineHiddenSize.VARIABLE), modelDir,
                        EngineHiddenSize.resolve(modelDir, Map.of())));
            }
        }
        DeploymentFilesTest.assertNoProblems(problems);
        Path tiny = ROOT.resolve("models/tiny-sd");
        assertEquals(32, EngineHiddenSize.modelWidth(tiny));
        for (String line : dryRun(Map.of(), "--dry-run", "--model-dir", tiny.toString())) {
            assertTrue(line.contains("encoder_hidden_states:") && line.matches(".*encoder_hidden_states:\\d+x77x32\\b.*"), line);
        }
    }

    @Test
    void refusesABadProfile() throws Exception {
        assertEquals(2, run(Map.of(), "--dry-run", "--model-dir", ROOT.resolve("models/tiny-sd").toString(),
                "--profiles", "2x64").exitValue());
        assertEquals(2, run(Map.of(RuntimeSettings.FP16.name(), "yes"), "--dry-run", "--model-dir",
                ROOT.resolve("models/tiny-sd").toString()).exitValue());
    }

    private static void assertPlanned(List<String> lines, Path model, Path engineDir, EngineProfiles profiles,
            boolean fp16) {
        List<String> expected = profiles.all().stream().map(p -> engineDir.resolve(p.fileName("plan")).toString())
                .sorted().toList();
        List<String> saved = new ArrayList<>();
        for (String line : lines) {
            Matcher save = SAVE.matcher(line);
            assertTrue(save.find(), line);
            saved.add(Path.of(save.group(1)).toString());
            Matcher shapes = SHAPES.matcher(line);
            assertTrue(shapes.find(), "static shapes for every input: " + line);
            EngineProfile profile = profiles.all().stream()
                    .filter(p -> save.group(1).endsWith(p.fileName("plan"))).findFirst().orElseThrow();
            assertEquals(List.of(profile.batch(), 4, profile.height(), profile.width(), profile.batch(), profile.batch(), 77),
                    Arrays.asList(Integer.parseInt(shapes.group(1)), Integer.parseInt(shapes.group(2)),
                            Integer.parseInt(shapes.group(3)), Integer.parseInt(shapes.group(4)),
                            Integer.parseInt(shapes.group(5)), Integer.parseInt(shapes.group(6)),
                            Integer.parseInt(shapes.group(7))), line);
            assertTrue(line.contains("--onnx=" + model.resolve("unet/model.onnx")), line);
            assertEquals(fp16, line.contains("--fp16"), line);
        }
        assertEquals(expected, saved.stream().sorted().toList());
    }

    /** The value of a top-level {@code NAME="value"} or {@code NAME=value} line of the script. */
    private static String assignment(String script, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=\"?([^\"\\s]*)\"?\\s*$").matcher(script);
        assertTrue(m.find(), "the script declares " + name);
        return m.group(1);
    }

    /** The default of {@code var="${ENV:-default}"}. */
    private static String defaultOf(String script, String variable, String env) {
        Matcher m = Pattern.compile("(?m)^" + variable + "=\"\\$\\{" + env + ":-([^}]*)}\"").matcher(script);
        assertTrue(m.find(), "the script reads " + env + " into " + variable);
        return m.group(1);
    }

    private static Process run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SDFLEET_") || k.startsWith("TRT"));
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p;
    }

    private static List<String> dryRun(Map<String, String> env, String... args) throws Exception {
        Process p = run(env, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
