package io.sdfleet.local.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code set -o pipefail}, {@code cmd | head -1} fails the script at random: head exits after its
 * line, the next write of {@code cmd} gets a broken pipe, and a JVM (which ignores SIGPIPE) then exits 1,
 * which pipefail makes the pipeline's status. CI died this way before a single test ran.
 *
 * <p>The first test runs {@code .ci/run} for real with stand-ins for java, mvn and kubectl that behave as a
 * JVM does on a broken pipe (SIGPIPE ignored, exit 1 on the failed write) and write more than a pipe buffer;
 * the second holds every script that sets pipefail to the rule "no pipe into an early-exit reader unless its
 * failure is tolerated".
 */
class ShellPipesTest {

    /** Readers that may exit before their writer is done. */
    private static final Pattern EARLY_EXIT_READER = Pattern.compile("\\|\\s*(head\\b|grep\\s+(-[a-zA-Z]*[qm]))");

    static Path repository() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve(".ci"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found");
    }

    @Test
    void ciRunSurvivesVersionCommandsThatWriteMoreThanAPipeHolds(@TempDir Path bin) throws Exception {
        // A JVM-like writer: ignores SIGPIPE, prints ~1 MB, exits 1 when a write fails. "mvn -B verify" (the
        // test command itself) just succeeds, so only the version prologue is under test.
        String writer = "#!/usr/bin/env bash\n"
                + "trap '' PIPE\n"
                + "if [[ \"$*\" == \"-B verify\" ]]; then echo 'fake verify ran'; exit 0; fi\n"
                + "name=\"${0##*/}\"\n"
                + "for ((i = 1; i <= 100000; i++)); do echo \"$name version line $i\" || exit 1; done\n";
        for (String name : List.of("java", "mvn", "kubectl")) {
            Path fake = bin.resolve(name);
            Files.writeString(fake, writer, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder("bash", repository().resolve(".ci/run").toString())
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "CI script did not finish");
        assertEquals(0, process.exitValue(), "CI script failed on its version lines:\n" + tail(output));
        assertTrue(output.contains("mvn version line 1\n"), "prints mvn's first line:\n" + tail(output));
        assertTrue(output.contains("fake verify ran"), "went on to the test command:\n" + tail(output));
        assertTrue(!output.contains("version line 2\n"), "prints only the first line of each version");
    }

    @Test
    void noScriptWithPipefailPipesIntoAnEarlyExitReader() throws IOException {
        Path root = repository();
        List<Path> scripts = new ArrayList<>(List.of(root.resolve(".ci/run"), root.resolve("sdfleet")));
        try (Stream<Path> tools = Files.list(root.resolve("tools"))) {
            tools.filter(p -> p.toString().endsWith(".sh")).forEach(scripts::add);
        }
        List<String> offenders = new ArrayList<>();
        for (Path script : scripts) {
            List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
            if (lines.stream().noneMatch(l -> l.contains("pipefail") && !l.strip().startsWith("#"))) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("#")) {
                    continue;
                }
                if (EARLY_EXIT_READER.matcher(line).find() && !line.matches(".*\\|\\|\\s*true\\b.*")) {
                    offenders.add(root.relativize(script) + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertTrue(offenders.isEmpty(), "pipes into head/grep -q under pipefail (capture the output instead):\n"
                + String.join("\n", offenders));
    }

    private static String tail(String output) {
        return output.length() <= 2000 ? output : "…" + output.substring(output.length() - 2000);
    }
}
