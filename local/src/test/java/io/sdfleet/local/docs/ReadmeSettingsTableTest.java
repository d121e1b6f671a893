package io.sdfleet.local.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.Setting;
import io.sdfleet.common.config.SettingsTable;
import io.sdfleet.producer.ProducerSettings;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.input.InputSettings;
import io.sdfleet.worker.device.DeviceSettings;
import io.sdfleet.worker.fleet.FleetSettings;
import io.sdfleet.worker.observe.ObserveSettings;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.store.StoreRetrySettings;
import io.sdfleet.common.config.StoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is generated from the settings declarations (STYLE 9): this test
 * fails when they drift, and rewrites the README when run with {@code -Dsdfleet.updateReadme=true}:
 * {@code mvn -B -pl local -am test -Dtest=ReadmeSettingsTableTest -Dsdfleet.updateReadme=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ReadmeSettingsTableTest {

    static final String BEGIN = "<!-- settings:begin -->";
    static final String END = "<!-- settings:end -->";

    /** The README sections, in order; together they must be every setting a worker or producer reads. */
    static Map<String, List<Setting<?>>> sections() {
        Map<String, List<Setting<?>>> sections = new LinkedHashMap<>();
        sections.put("Kafka and topics (worker and producer)", KafkaSettings.SETTINGS);
        sections.put("Object store (worker; the producer for local pictures)", StoreSettings.SETTINGS);
        sections.put("Object store retries (worker)", StoreRetrySettings.SETTINGS);
        sections.put("Input pictures of img2img and inpainting (worker)", InputSettings.SETTINGS);
        sections.put("Health and metrics (worker)", ObserveSettings.SETTINGS);
        sections.put("Worker", WorkerSettings.OWN_SETTINGS);
        sections.put("Device: batching and faults (worker)", DeviceSettings.SETTINGS);
        sections.put("Model runtimes (worker)", RuntimeSettings.SETTINGS);
        sections.put("Pipeline (worker)", PipelineSettings.SETTINGS);
        sections.put("Fleet catalog and job progress (worker)", FleetSettings.SETTINGS);
        sections.put("Producer library and CLI", ProducerSettings.SETTINGS);
        return sections;
    }

    static String generated() {
        StringBuilder sb = new StringBuilder();
        sections().forEach((title, settings) ->
                sb.append("\n**").append(title).append("**\n\n").append(SettingsTable.markdown(settings)));
        return sb.append('\n').toString();
    }

    static Path readme() {
        // Surefire runs with the module folder as the working directory.
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("local"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md of the repository not found above " + here);
    }

    @Test
    void sectionsCoverEverySettingOnce() {
        Set<String> inSections = new LinkedHashSet<>();
        List<String> duplicates = new ArrayList<>();
        sections().values().forEach(list -> list.forEach(s -> {
            if (!inSections.add(s.name())) {
                duplicates.add(s.name());
            }
        }));
        assertTrue(duplicates.isEmpty(), "settings listed twice: " + duplicates);
        Set<String> read = new LinkedHashSet<>();
        WorkerSettings.ALL_SETTINGS.forEach(s -> read.add(s.name()));
        ProducerSettings.SETTINGS.forEach(s -> read.add(s.name()));
        assertEquals(read, inSections, "every setting the worker and producer read is in the README");
    }

    @Test
    void readmeTableMatchesTheDeclarations() throws IOException {
        Path readme = readme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md lacks the " + BEGIN + " … " + END + " markers");
        String current = text.substring(begin + BEGIN.length(), end);
        String expected = generated();
        if (!current.equals(expected) && Boolean.getBoolean("sdfleet.updateReadme")) {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + expected + text.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, current, "README settings table is out of date: rerun this test with"
                + " -Dsdfleet.updateReadme=true");
    }
}
