package io.sdfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.kafka.KafkaClientFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** A bad environment stops the process before anything is loaded or connected, naming every bad key. */
@ResourceLock(Resources.SYSTEM_ERR)
class WorkerMainTest {
    private static final PipelineFactory NO_PIPELINE = settings -> {
        throw new AssertionError("the pipeline must not be loaded with a bad configuration");
    };
    private static final KafkaClientFactory NO_CLIENTS = new KafkaClientFactory() {
        @Override
        public org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
            throw new AssertionError("no Kafka client with a bad configuration");
        }

        @Override
        public org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer(Map<String, Object> config) {
            throw new AssertionError("no Kafka client with a bad configuration");
        }
    };

    private static String runCapturingStderr(Map<String, String> env, int expectedExit) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertEquals(expectedExit, WorkerMain.run(env, NO_PIPELINE, NO_CLIENTS));
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBadRuntimeValueExitsWithTheConfigCodeNamingTheKey() {
        String message = runCapturingStderr(Map.of("SDFLEET_WORKER_ID", "w1", "SDFLEET_ORT_PROVIDER", "rocm"),
                WorkerMain.EXIT_CONFIG);
        assertTrue(message.contains("SDFLEET_ORT_PROVIDER='rocm'"), message);
        assertTrue(message.contains("cpu, cuda, tensorrt"), message);
    }

    @Test
    void everyBadRuntimeAndPipelineValueIsNamedAtOnce() {
        String message = runCapturingStderr(Map.of("SDFLEET_WORKER_ID", "w1", "SDFLEET_RUNTIME", "tensorrt",
                "SDFLEET_TRT_PROFILES", "1x64x64", "SDFLEET_ORT_INTRA_OP_THREADS", "-1",
                "SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS", "0"), WorkerMain.EXIT_CONFIG);
        for (String key : new String[] {"SDFLEET_TRT_PROFILES", "SDFLEET_ORT_INTRA_OP_THREADS",
                "SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS"}) {
            assertTrue(message.contains(key), key + " in: " + message);
        }
        assertTrue(message.contains("3 problems"), message);
    }
}
