package io.sdfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** SDFLEET_MODEL_NAME and the topic and group a worker reads by it. */
class WorkerModelRoutingTest {

    @Test
    void theModelNameDefaultsToTheFolderAndAOneModelFleetReadsThePlainTopicAndGroup() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_MODEL_DIR", "/models/sd15-onnx"), () -> "h");
        assertEquals("sd15-onnx", s.modelName());
        assertEquals("sd.requests", s.requestsTopic());
        assertEquals("sdfleet-workers", s.workerGroup());
        assertEquals("sdfleet-workers", s.consumerConfig().get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals("tiny-sd", WorkerSettings.fromEnv(Map.of(), () -> "h").modelName());
    }

    @Test
    void inAFleetOfSeveralModelsEachModelHasItsTopicAndGroupAndTheDefaultOneKeepsThePlainOnes() {
        WorkerSettings other = WorkerSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base",
                "SDFLEET_MODEL_NAME", "inpaint-v2"), () -> "h");
        assertEquals("sd.requests.inpaint-v2", other.requestsTopic());
        assertEquals("sdfleet-workers.inpaint-v2", other.consumerConfig().get(ConsumerConfig.GROUP_ID_CONFIG));
        WorkerSettings base = WorkerSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base",
                "SDFLEET_MODEL_DIR", "/models/base"), () -> "h");
        assertEquals("sd.requests", base.requestsTopic());
        assertEquals("sdfleet-workers", base.workerGroup());
    }

    @Test
    void anUnusableModelNameIsRefusedAtStart() {
        ConfigException bad = assertThrows(ConfigException.class,
                () -> WorkerSettings.fromEnv(Map.of("SDFLEET_MODEL_NAME", "a/b"), () -> "h"));
        assertEquals("SDFLEET_MODEL_NAME", bad.problems().get(0).key());
        ConfigException folder = assertThrows(ConfigException.class,
                () -> WorkerSettings.fromEnv(Map.of("SDFLEET_MODEL_DIR", "/models/sd 1.5"), () -> "h"));
        ConfigProblem p = folder.problems().get(0);
        assertEquals("SDFLEET_MODEL_NAME", p.key());
        assertTrue(p.toString().contains("sd 1.5"), p.toString());
        ConfigException dlq = assertThrows(ConfigException.class, () -> WorkerSettings.fromEnv(
                Map.of("SDFLEET_DEFAULT_MODEL", "base", "SDFLEET_MODEL_NAME", "dlq"), () -> "h"));
        assertEquals("SDFLEET_MODEL_NAME", dlq.problems().get(0).key());
    }
}
