package io.sdfleet.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declaration mechanism itself: parsers, the reader's bookkeeping, the Markdown table. */
class SettingTest {

    enum Mode { ON_DEMAND, ALWAYS }

    @Test
    void parsersAcceptTheirDocumentedForms() {
        assertEquals(Duration.ofMillis(500), Setting.duration("D", Duration.ZERO, Duration.ZERO, Duration.ofHours(1),
                "d").parse("500ms"));
        Setting<Duration> d = Setting.duration("D", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofHours(2),
                "A duration.");
        assertEquals(Duration.ofMinutes(5), d.parse(" 5m "));
        assertEquals(Duration.ofSeconds(90), d.parse("PT1M30S"));
        assertEquals("30s", d.defaultText());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.parse("3h")).getMessage().contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.parse("soon")).getMessage().contains("500ms"));

        Setting<Mode> mode = Setting.oneOf("MODE", Mode.class, Mode.ALWAYS, "A mode.");
        assertEquals(Mode.ON_DEMAND, mode.parse("on-demand"));
        assertEquals(Mode.ON_DEMAND, mode.parse("ON_DEMAND"));
        assertEquals("on-demand, always", mode.allowed());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mode.parse("never")).getMessage()
                .contains("on-demand, always"));

        Setting<Boolean> flag = Setting.bool("FLAG", false, "A flag.");
        assertEquals(true, flag.parse("TRUE"));
        assertThrows(IllegalArgumentException.class, () -> flag.parse("yes"));
        assertEquals(1_000_000L, Setting.longInteger("L", 0, 0, Long.MAX_VALUE, "l").parse("1_000_000"));
    }

    @Test
    void readerReturnsDefaultsForBadValuesAndKnowsWhatWasNotRead() {
        Setting<Integer> n = Setting.integer("SDFLEET_N", 4, 1, 8, "A number.");
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_N", "9", "SDFLEET_TYPO", "1", "OTHER", "x"));
        assertEquals(4, reader.get(n));
        assertEquals(List.of("SDFLEET_TYPO"), reader.unreadKeys("SDFLEET_"));
        assertEquals(List.of(new ConfigProblem("SDFLEET_N", "9", "out of range 1 .. 8")), reader.problems());
    }

    @Test
    void markdownTableHasOneRowPerSettingWithDefaultAllowedAndDescription() {
        String table = SettingsTable.markdown(KafkaSettings.SETTINGS);
        List<String> lines = table.lines().toList();
        assertEquals("| name | default | allowed | description |", lines.get(0));
        assertEquals(KafkaSettings.SETTINGS.size() + 2, lines.size());
        for (Setting<?> s : KafkaSettings.SETTINGS) {
            String row = lines.stream().filter(l -> l.startsWith("| `" + s.name() + "` |")).findFirst().orElseThrow();
            assertTrue(row.contains("`" + s.defaultText() + "`"), row);
            assertTrue(row.contains(s.allowed().replace("|", "\\|")), row);
            assertTrue(row.contains(s.description()), row);
        }
        assertTrue(table.contains("| `SDFLEET_TOPIC_PARTITIONS` | `6` | 1 .. 10000 |"), table);
    }
}
