package io.sdfleet.producer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no broker at the bootstrap address, every command that needs Kafka fails with exit 3 and a clear
 * message within the configured bound (kept short here with SDFLEET_KAFKA_MAX_BLOCK_MS), never hangs.
 */
class SdfleetCliNoBrokerTest {

    private static final long MAX_BLOCK_MS = 1500;
    /** The bound plus client start-up and close, with room for a loaded machine. */
    private static final Duration LIMIT = Duration.ofMillis(MAX_BLOCK_MS).plusSeconds(8);

    private final String address = "127.0.0.1:" + CliRun.closedPort();
    private final Map<String, String> env = Map.of("SDFLEET_KAFKA_MAX_BLOCK_MS", Long.toString(MAX_BLOCK_MS));

    @Test
    void submitFailsWithinTheBoundWithExit3() {
        CliRun run = CliRun.run(env, "submit", "a cat", "--bootstrap-servers", address);

        assertEquals(ExitCodes.KAFKA_UNAVAILABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no Kafka broker reachable at " + address + " within 1500ms"), run.toString());
        assertTrue(run.took().compareTo(LIMIT) < 0, run.toString());
    }

    @Test
    void submitFileFailsOnceNotOncePerLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jobs.jsonl");
        Files.writeString(file, "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n{\"prompt\":\"c\"}\n");

        CliRun run = CliRun.run(env, "submit", "--file", file.toString(), "--bootstrap-servers", address);

        assertEquals(ExitCodes.KAFKA_UNAVAILABLE, run.exitCode(), run.toString());
        assertTrue(run.took().compareTo(LIMIT) < 0, "later lines are not retried one by one: " + run);
        for (int line = 1; line <= 3; line++) {
            assertTrue(run.err().contains(file + ":" + line + ": not sent"), run.toString());
        }
    }

    @Test
    void watchFailsWithinTheBoundWithExit3() {
        CliRun run = CliRun.run(env, "watch", "--bootstrap-servers", address, "--timeout", "30s");

        assertEquals(ExitCodes.KAFKA_UNAVAILABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no Kafka broker reachable at " + address), run.toString());
        assertTrue(run.took().compareTo(LIMIT) < 0, run.toString());
    }
}
