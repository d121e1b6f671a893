package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Options validate every value and report all bad ones in one message. */
class LocalStackOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        LocalStack.Options options = LocalStack.Options.defaults();
        assertEquals(List.of(new TopicSpec("sd.requests", 4), new TopicSpec("sd.completions", 4),
                new TopicSpec("sd.requests.dlq", 4)), options.topics());
        assertEquals("sdfleet", options.bucket());
        assertEquals(0, options.kafkaPort());
        assertEquals(0, options.s3Port());
        assertNull(options.s3Directory());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalStack.Options(
                "ok", "bad name", "ok", 0, "No_Such", 0, 0, null, "ak", " "));
        String message = e.getMessage();
        assertTrue(message.contains("bad name"), message);
        assertTrue(message.contains("must differ"), message);
        assertTrue(message.contains("partitions"), message);
        assertTrue(message.contains("No_Such"), message);
        assertTrue(message.contains("secret key"), message);
    }

    @Test
    void portsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.defaults().withPorts(70000, 0));
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.defaults().withPorts(9000, 9000));
    }
}
