package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.EngineProfile;
import io.sdfleet.worker.runtime.EngineProfiles;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * tools/build-trt-engines.sh writes the engines where and under the names the worker's TensorRT runtime looks
 * for them, for the worker's default profiles, with static shapes. Runs the script with --dry-run (bash, no
 * TensorRT needed) on the committed tiny model.
 */
class EngineBuildScriptTest {
    private static final Path ROOT = DeployFiles.root();
    private static final Pattern SAVE = Pattern.compile("--saveEngine=(\\S+)");
    private static final Pattern SHAPES = Pattern.compile(
            "--shapes=sample:(\\d+)x(\\d+)x(\\d+)x(\\d+),timestep:(\\d+),encoder_hidden_states:(\\d+)x(\\d+)x(\\d+)");

    @Test
    void dryRunBuildsOneStaticEnginePerDefaultProfileWhereTheWorkerLooks() throws Exception {
        Path model = ROOT.resolve("models/tiny-sd");
        List<String> lines = dryRun("--dry-run", "--model-dir", model.toString());
        EngineProfiles profiles = EngineProfiles.parse(RuntimeSettings.DEFAULT_ENGINE_PROFILES);
        Path engineDir = ModelRuntimes.engineDir(ModelFolder.load(model), RuntimeSettings.defaults());
        List<String> expected = profiles.all().stream().map(p -> engineDir.resolve(p.fileName("plan")).toString()).sorted().toList();
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
            assertTrue(line.contains("--fp16"), line);
        }
        assertEquals(expected, saved.stream().sorted().toList());
        System.out.println("deploy: build-trt-engines.sh plans " + saved.size() + " engines in " + engineDir);
    }

    @Test
    void refusesABadProfile() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("tools/build-trt-engines.sh").toString(),
                "--dry-run", "--model-dir", ROOT.resolve("models/tiny-sd").toString(), "--profiles", "2x64");
        pb.environment().keySet().removeIf(k -> k.startsWith("SDFLEET_") || k.startsWith("TRT"));
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
    }

    private static List<String> dryRun(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("tools/build-trt-engines.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SDFLEET_") || k.startsWith("TRT"));
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
