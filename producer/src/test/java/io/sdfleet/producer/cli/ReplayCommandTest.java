package io.sdfleet.producer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sdfleet replay} without a broker: every argument mistake is exit 2 before any connection (the
 * bootstrap address is a closed port, so a connection attempt would show as exit 3), and an unreachable
 * broker is exit 3 within the bound.
 */
class ReplayCommandTest {

    private static final long MAX_BLOCK_MS = 1500;
    private static final Duration LIMIT = Duration.ofMillis(MAX_BLOCK_MS).plusSeconds(8);

    private final String address = "127.0.0.1:" + CliRun.closedPort();
    private final Map<String, String> env = Map.of("SDFLEET_KAFKA_MAX_BLOCK_MS", Long.toString(MAX_BLOCK_MS),
            "SDFLEET_BOOTSTRAP_SERVERS", address);

    @Test
    void anInvalidOverrideIsExit2BeforeAnythingIsRead() {
        CliRun run = CliRun.run(env, "replay", "--from", "-2h", "--size", "500x500", "--steps", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("invalid override"), run.toString());
        assertTrue(run.err().contains("width") && run.err().contains("height") && run.err().contains("steps"),
                run.toString());
        assertTrue(run.took().compareTo(Duration.ofMillis(MAX_BLOCK_MS)) < 0, "no connection attempted: " + run);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--dry-run|a replay needs a start",
        "--from -2h --from-offset 3|give --from or --from-offset, not both",
        "--from-offset 0 --to -1h --to-offset 9|give --to or --to-offset, not both",
        "--from yesterday|'yesterday' is not a time",
        "--from-offset 0:1,x|is not an offset",
        "--from-offset 9 --to-offset 3|start offset 9 is after end offset 3",
        "--from-offset 0:1 --to-offset 1:5|list the same partitions in both",
        "--from -1h --to -2h|is not before end time",
        "--from-offset 0 --scheduler nope|unknown scheduler 'nope'",
    })
    void argumentMistakesAreExit2WithAReason(String args, String expected) {
        String[] argv = ("replay " + args).split(" ");

        CliRun run = CliRun.run(env, argv);

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains(expected), run.toString());
        assertTrue(run.took().compareTo(Duration.ofMillis(MAX_BLOCK_MS)) < 0, "no connection attempted: " + run);
    }

    @Test
    void noBrokerIsExit3WithinTheBound() {
        CliRun run = CliRun.run(env, "replay", "--from-offset", "0");

        assertEquals(ExitCodes.KAFKA_UNAVAILABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains(address), run.toString());
        assertTrue(run.took().compareTo(LIMIT) < 0, run.toString());
    }

    @Test
    void resetOffsetsWithoutBrokerIsExit3WithinTheBound() {
        CliRun run = CliRun.run(env, "replay", "reset-offsets", "--to", "-1h", "--dry-run");

        assertEquals(ExitCodes.KAFKA_UNAVAILABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains(address), run.toString());
        assertTrue(run.took().compareTo(LIMIT) < 0, run.toString());
    }

    @Test
    void resetOffsetsNeedsATime() {
        CliRun run = CliRun.run(env, "replay", "reset-offsets");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--to"), run.toString());
    }

    @Test
    void usageListsTheExitCodes() {
        CliRun run = CliRun.run(env, "replay", "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        for (String code : new String[] {"0 ", "1 ", "2 ", "3 "}) {
            assertTrue(run.out().contains("\n  " + code), "exit code " + code + " listed: " + run);
        }
        assertTrue(run.out().contains("reset-offsets"), run.toString());
    }
}
