package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.local.FleetDemo;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.demo.ContactSheet;
import io.sdfleet.local.demo.DemoOptions;
import io.sdfleet.local.demo.ModelLocator;
import io.sdfleet.local.demo.StopSignal;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sdfleet demo} against the shared stack (the environment names its Kafka and S3, as for a real
 * cluster): it exits 0, every file it says it saved is there and is a PNG of the requested size, and the
 * contact sheet it names holds the pictures.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class FleetDemoTest {

    private static final Pattern SAVED = Pattern.compile("saved as (\\S+) \\(sha256");

    @Test
    void demoSucceedsAndSavesThePngsItPrints(LocalStack stack, @TempDir Path out) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-demo")) {
            Output output = new Output();
            int code = FleetDemo.run(new String[] {"--count", "2", "--size", "64x64", "--steps", "2",
                    "--out", out.toString()}, s.env("demo", Map.of()), output.out, output.err);

            assertEquals(DemoOptions.EXIT_OK, code, output::both);
            List<Path> files = savedFiles(output.out());
            assertEquals(2, files.size(), output::both);
            for (Path file : files) {
                assertTrue(file.startsWith(out), file + " outside --out");
                BufferedImage image = FleetAssertions.decode(Files.readAllBytes(file));
                assertEquals(64, image.getWidth());
                assertEquals(64, image.getHeight());
            }
            assertTrue(output.out().contains("random weights"), "the tiny-model note is printed");
            assertEquals(2, s.objectKeys().size(), "objects under the scenario's prefix");
            Path sheet = out.resolve(ContactSheet.FILE_NAME);
            assertTrue(output.out().contains("Contact sheet (every picture with its prompt): " + sheet), output::both);
            BufferedImage contact = FleetAssertions.decode(Files.readAllBytes(sheet));
            assertEquals(ContactSheet.GAP + 2 * (ContactSheet.CELL + ContactSheet.GAP), contact.getWidth(),
                    "two pictures side by side");
        }
    }

    /**
     * What a newcomer's {@code ./sdfleet demo} runs: no model named anywhere, so the bundled trained model, with
     * the demo's own prompts, size and steps; eight pictures on a sheet of two rows of four, and the note saying
     * what the model is.
     */
    @Test
    void theDefaultDemoRunsTheTrainedModelWithItsOwnPrompts(LocalStack stack, @TempDir Path out) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-demo-default", ModelLocator.BUNDLED_MODEL)) {
            Map<String, String> env = s.env("demo", Map.of());
            env.remove("SDFLEET_MODEL_DIR"); // found as the bundled model, as on a fresh clone
            Output output = new Output();
            int code = FleetDemo.run(new String[] {"--out", out.toString()}, env, output.out, output.err);

            assertEquals(DemoOptions.EXIT_OK, code, output::both);
            List<Path> files = savedFiles(output.out());
            assertEquals(DemoOptions.DEFAULT_PROMPTS.size(), files.size(), output::both);
            for (Path file : files) {
                BufferedImage image = FleetAssertions.decode(Files.readAllBytes(file));
                assertEquals(64, image.getWidth());
                assertEquals(64, image.getHeight());
            }
            for (String prompt : DemoOptions.DEFAULT_PROMPTS) {
                assertTrue(output.out().contains("\"" + prompt + "\""), () -> prompt + " not run:\n" + output.both());
            }
            assertTrue(output.out().contains("a tiny latent diffusion model trained on 64x64 pictures"), output::both);
            BufferedImage contact = FleetAssertions.decode(Files.readAllBytes(out.resolve(ContactSheet.FILE_NAME)));
            assertEquals(ContactSheet.GAP + ContactSheet.COLUMNS * (ContactSheet.CELL + ContactSheet.GAP),
                    contact.getWidth(), "four pictures a row");
        }
    }

    @Test
    void keepRunningWaitsForTheStopSignalAndThenStopsCleanly(LocalStack stack, @TempDir Path out) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-demo-keep")) {
            Output output = new Output();
            StopSignal stop = new StopSignal();
            CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> FleetDemo.run(List.of("--count", "1",
                    "--size", "64x64", "--steps", "1", "--out", out.toString(), "--keep-running"),
                    s.env("demo", Map.of()), output.out, output.err, stop));
            try {
                long deadline = System.nanoTime() + FleetScenario.WAIT.toNanos();
                while (!output.out().contains("Ctrl-C stops everything") && !demo.isDone()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(output.out().contains("export SDFLEET_BOOTSTRAP_SERVERS=" + stack.bootstrapServers()),
                        output::both);
                assertTrue(output.out().contains("export SDFLEET_TOPIC_REQUESTS=" + s.corner.requests()), output::both);
                Thread.sleep(500);
                assertFalse(demo.isDone(), () -> "--keep-running returned before the stop signal:\n" + output.both());
            } finally {
                stop.trigger();
            }

            assertEquals(DemoOptions.EXIT_OK, demo.get(FleetScenario.WAIT.toSeconds(), TimeUnit.SECONDS), output::both);
            assertEquals(1, savedFiles(output.out()).size(), output::both);
        }
    }

    private static List<Path> savedFiles(String printed) {
        Matcher m = SAVED.matcher(printed);
        return m.results().map(r -> Path.of(r.group(1)).toAbsolutePath()).toList();
    }

    /** Captured standard output and error of one run. */
    private static final class Output {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String both() {
            return out() + "\n--- stderr ---\n" + errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
