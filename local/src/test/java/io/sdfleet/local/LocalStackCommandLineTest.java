package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Arguments win over environment variables, which win over defaults; bad input names the setting. */
class LocalStackCommandLineTest {

    @Test
    void noArgumentsNoEnvironmentGiveDefaults() throws Exception {
        LocalStack.Options options = LocalStackCommandLine.parse(List.of(), Map.of());
        assertEquals(LocalStack.Options.defaults(), options);
    }

    @Test
    void environmentSetsPortsAndFolder() throws Exception {
        LocalStack.Options options = LocalStackCommandLine.parse(List.of(), Map.of(
                LocalStackCommandLine.KAFKA_PORT_ENV, "19092",
                LocalStackCommandLine.S3_PORT_ENV, "19000",
                LocalStackCommandLine.S3_DIR_ENV, "/tmp/blobs"));
        assertEquals(19092, options.kafkaPort());
        assertEquals(19000, options.s3Port());
        assertEquals(Path.of("/tmp/blobs"), options.s3Directory());
    }

    @Test
    void argumentsOverrideEnvironment() throws Exception {
        LocalStack.Options options = LocalStackCommandLine.parse(
                List.of("--kafka-port", "9092", "--s3-port", "9000", "--bucket", "images", "--partitions", "8",
                        "--access-key", "ak", "--secret-key", "sk"),
                Map.of(LocalStackCommandLine.KAFKA_PORT_ENV, "19092"));
        assertEquals(9092, options.kafkaPort());
        assertEquals(9000, options.s3Port());
        assertEquals("images", options.bucket());
        assertEquals(8, options.partitions());
        assertEquals("ak", options.accessKey());
        assertEquals("sk", options.secretKey());
        assertNull(options.s3Directory());
    }

    @Test
    void allProblemsAreNamed() {
        LocalStackCommandLine.UsageException e = assertThrows(LocalStackCommandLine.UsageException.class,
                () -> LocalStackCommandLine.parse(List.of("--kafka-port", "x", "--nope", "--s3-port"),
                        Map.of(LocalStackCommandLine.S3_PORT_ENV, "99999")));
        String message = e.getMessage();
        assertTrue(message.contains("--kafka-port"), message);
        assertTrue(message.contains("--nope"), message);
        assertTrue(message.contains("--s3-port needs a value"), message);
        assertTrue(message.contains(LocalStackCommandLine.S3_PORT_ENV), message);
    }

    @Test
    void shellQuotingLeavesPlainValuesAndQuotesOthers() {
        assertEquals("http://127.0.0.1:9000", LocalStackMain.shellQuote("http://127.0.0.1:9000"));
        assertEquals("'a b'", LocalStackMain.shellQuote("a b"));
        assertEquals("'it'\\''s'", LocalStackMain.shellQuote("it's"));
    }
}
