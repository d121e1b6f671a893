package io.sdfleet.local.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.ErrorCodeTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's tables of completion error codes and DLQ reasons are generated from the one catalogue in common
 * ({@link io.sdfleet.common.ErrorCode}, {@link io.sdfleet.common.FailureReason}): this test fails when they
 * drift and rewrites them with {@code -Dsdfleet.updateReadme=true}, like {@link ReadmeSettingsTableTest}.
 */
class ReadmeErrorCodesTableTest {

    @Test
    void completionCodesTableMatchesTheCatalogue() throws IOException {
        check("<!-- error-codes:begin -->", "<!-- error-codes:end -->", "\n" + ErrorCodeTable.completionCodes() + "\n");
    }

    @Test
    void dlqReasonsTableMatchesTheCatalogue() throws IOException {
        check("<!-- dlq-reasons:begin -->", "<!-- dlq-reasons:end -->",
                "\n" + ErrorCodeTable.deadLetterReasons() + "\n");
    }

    private static void check(String begin, String end, String expected) throws IOException {
        Path readme = ReadmeSettingsTableTest.readme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        assertTrue(b >= 0 && e > b, "README.md lacks the " + begin + " … " + end + " markers");
        String current = text.substring(b + begin.length(), e);
        if (!current.equals(expected) && Boolean.getBoolean("sdfleet.updateReadme")) {
            Files.writeString(readme, text.substring(0, b + begin.length()) + expected + text.substring(e),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, current, "README table out of date: rerun with -Dsdfleet.updateReadme=true");
    }
}
