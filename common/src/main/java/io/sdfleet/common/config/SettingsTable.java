package io.sdfleet.common.config;

import java.util.List;

/**
 * Renders declared settings as the Markdown table of the README (name | default | allowed | description).
 *
 * <p>Why generated: a hand-written table drifts from the code; a test compares the README with this output.
 */
public final class SettingsTable {

    private SettingsTable() {
    }

    /** The table, one row per setting in the given order, ending with a newline. */
    public static String markdown(List<? extends Setting<?>> settings) {
        StringBuilder sb = new StringBuilder("| name | default | allowed | description |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            sb.append("| `").append(s.name()).append("` | ")
                    .append(s.isSecret() ? "(secret)" : code(s.defaultText())).append(" | ")
                    .append(cell(s.allowed())).append(" | ")
                    .append(cell(s.description())).append(" |\n");
        }
        return sb.toString();
    }

    private static String code(String text) {
        return text.equals("(none)") || text.isEmpty() ? "(none)" : "`" + text.replace("|", "\\|") + "`";
    }

    /** Escapes what Markdown would read as table syntax or HTML (e.g. {@code <prefix>/<jobId>}). */
    private static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("|", "\\|").replace("\n", " ");
    }
}
