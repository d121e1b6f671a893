package io.sdfleet.producer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Argument errors end with exit 2 and a message naming the problem, before any connection: the bootstrap
 * servers point at a closed port with a long max.block.ms, so a connection attempt would show as a slow run.
 */
class SdfleetCliArgumentsTest {

    private static final Duration NO_CONNECTION_BOUND = Duration.ofSeconds(5);

    private static Map<String, String> unreachableEnv() {
        return Map.of("SDFLEET_BOOTSTRAP_SERVERS", "127.0.0.1:" + CliRun.closedPort(),
                "SDFLEET_KAFKA_MAX_BLOCK_MS", "60000");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--size 500x500               | width: 500 is not a multiple of 8",
        "--steps 0                    | steps:",
        "--steps 151                  | steps:",
        "--scheduler warp-speed       | unknown scheduler 'warp-speed'",
        "--size big                   | 'big' is not a size like 512x512",
        "--n 9                        | numImages:",
        "--guidance 31                | guidanceScale:",
        "--seed 4294967296            | seed:",
        "--priority 10                | priority:",
        "--deadline tomorrow          | 'tomorrow' is not a deadline",
        "--timeout 0s                 | must be a positive duration",
        "--meta novalue               | novalue",
        "--bootstrap-servers nohost   | --bootstrap-servers:",
        "--job-id a/b                 | jobId:",
    })
    void invalidArgumentIsUsageErrorWithMessageAndNoConnection(String options, String expectedMessage) {
        String[] args = ("submit|a cat|" + options.strip().replace(' ', '|')).split("\\|");
        CliRun run = CliRun.run(unreachableEnv(), args);

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains(expectedMessage), run.toString());
        assertEquals("", run.out(), run.toString());
        assertTrue(run.took().compareTo(NO_CONNECTION_BOUND) < 0, "no connection attempt: " + run);
    }

    @Test
    void everyViolationOfOneRequestIsListed() {
        CliRun run = CliRun.run(unreachableEnv(), "submit", "a cat", "--size", "500x70", "--steps", "0");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("width:") && run.err().contains("height:") && run.err().contains("steps:"),
                run.toString());
    }

    @Test
    void missingPromptOrCommandIsUsageError() {
        assertEquals(ExitCodes.USAGE, CliRun.run(unreachableEnv(), "submit").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.run(unreachableEnv()).exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.run(unreachableEnv(), "frobnicate").exitCode());
    }

    @Test
    void fileAndPromptTogetherIsUsageError() {
        CliRun run = CliRun.run(unreachableEnv(), "submit", "a cat", "--file", "jobs.jsonl");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--file"), run.toString());
    }

    @Test
    void badEnvironmentIsUsageErrorListingEveryBadVariable() {
        CliRun run = CliRun.run(Map.of("SDFLEET_BOOTSTRAP_SERVERS", "no-port",
                "SDFLEET_KAFKA_NOT_A_PROPERTY", "1", "SDFLEET_PRODUCER_COMPLETION_LOOKBACK", "forever"),
                "submit", "a cat");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("SDFLEET_BOOTSTRAP_SERVERS"), run.toString());
        assertTrue(run.err().contains("SDFLEET_KAFKA_NOT_A_PROPERTY"), run.toString());
        assertTrue(run.err().contains("SDFLEET_PRODUCER_COMPLETION_LOOKBACK"), run.toString());
    }

    @Test
    void usageHelpListsCommandsAndExitCodes() {
        CliRun run = CliRun.run(Map.of(), "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        for (String word : new String[] {"submit", "watch", "tokenize", "Exit codes:", "3", "4"}) {
            assertTrue(run.out().contains(word), word + " in " + run);
        }
        CliRun submitHelp = CliRun.run(Map.of(), "submit", "--help");
        assertTrue(submitHelp.out().contains("--wait") && submitHelp.out().contains("Exit codes:"), submitHelp.toString());
    }
}
