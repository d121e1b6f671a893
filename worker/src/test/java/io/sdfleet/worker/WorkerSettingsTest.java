package io.sdfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.Setting;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.runtime.OrtProvider;
import io.sdfleet.worker.runtime.RuntimeKind;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

    @Test
    void defaultsNeedNoEnvironment() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of(), () -> "pod-3");
        assertEquals("pod-3", s.workerId());
        assertEquals("sdfleet-worker-pod-3", s.transactionalId());
        assertEquals(RuntimeKind.ONNXRUNTIME, s.runtimeSettings().kind());
        assertEquals(Duration.ofMillis(50), s.device().batchMaxWait());
        assertEquals(io.sdfleet.worker.device.DeviceSettings.Batching.CONTINUOUS, s.device().batching());
        assertTrue(s.transactions());
        assertEquals(Duration.ofSeconds(30), s.shutdownGrace());
        assertEquals(4, s.device().effectiveBatchMaxImages(4), "0 = the pipeline's maximum");
        assertEquals(RuntimeSettings.defaults(), s.runtimeSettings());
        assertEquals(PipelineSettings.defaults(), s.pipeline());
    }

    @Test
    void runtimeAndPipelineSettingsComeFromTheEnvironment() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_RUNTIME", "tensorrt", "SDFLEET_ORT_PROVIDER", "cuda",
                "SDFLEET_DEVICE_ID", "1", "SDFLEET_VAE_BATCH_IMAGES", "2", "SDFLEET_BATCH_MAX_IMAGES", "8"), () -> "h");
        assertEquals(RuntimeKind.TENSORRT, s.runtimeSettings().kind());
        assertEquals(OrtProvider.CUDA, s.runtimeSettings().ortProvider());
        assertEquals(1, s.runtimeSettings().deviceId());
        assertEquals(new PipelineSettings(8, 2), s.pipeline(), "SDFLEET_BATCH_MAX_IMAGES sets the pipeline's call size");
        assertEquals(8, s.device().effectiveBatchMaxImages(s.pipeline().maxBatchImages()));
        assertTrue(s.unknownKeys().isEmpty(), s.unknownKeys().toString());
    }

    @Test
    void runtimeRulesAreCheckedWithTheRest() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerSettings.fromEnv(Map.of(
                "SDFLEET_RUNTIME", "tensorrt", "SDFLEET_ORT_PROVIDER", "tensorrt", "SDFLEET_POLL_TIMEOUT", "1ms"),
                () -> "h"));
        assertEquals(Set.of("SDFLEET_ORT_PROVIDER", "SDFLEET_POLL_TIMEOUT"),
                new HashSet<>(e.problems().stream().map(ConfigProblem::key).toList()));
    }

    @Test
    void theTableIsInReadmeOrderKafkaStoreRetryHttpWorkerDeviceRuntimePipeline() {
        List<String> names = WorkerSettings.ALL_SETTINGS.stream().map(Setting::name).toList();
        int bootstrap = names.indexOf("SDFLEET_BOOTSTRAP_SERVERS");
        int s3 = names.indexOf("SDFLEET_S3_ENDPOINT");
        int retry = names.indexOf("SDFLEET_S3_RETRY_DEADLINE");
        int http = names.indexOf("SDFLEET_HTTP_PORT");
        int own = names.indexOf("SDFLEET_WORKER_ID");
        int batching = names.indexOf("SDFLEET_BATCHING");
        int faults = names.indexOf("SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS");
        int runtime = names.indexOf("SDFLEET_RUNTIME");
        int fixedBatch = names.indexOf("SDFLEET_TRT_FIXED_BATCH");
        int vae = names.indexOf("SDFLEET_VAE_BATCH_IMAGES");
        assertTrue(0 <= bootstrap && bootstrap < s3 && s3 < retry && retry < http && http < own && own < batching
                && batching < faults && faults < runtime && runtime < fixedBatch && fixedBatch < vae,
                names.toString());
        assertTrue(names.containsAll(io.sdfleet.worker.device.DeviceSettings.SETTINGS.stream().map(Setting::name)
                .toList()));
        assertTrue(names.containsAll(RuntimeSettings.SETTINGS.stream().map(Setting::name).toList()));
        assertTrue(names.containsAll(PipelineSettings.SETTINGS.stream().map(Setting::name).toList()));
    }

    @Test
    void clientConfigsCarryWhatTheWorkerReliesOn() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_WORKER_ID", "w1", "SDFLEET_MAX_PENDING_JOBS", "7",
                "SDFLEET_KAFKA_SESSION_TIMEOUT_MS", "6000", "SDFLEET_TRANSACTION_TIMEOUT", "5s"), () -> "unused");
        Map<String, Object> consumer = s.consumerConfig();
        assertEquals(false, consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals(CooperativeStickyAssignor.class.getName(),
                consumer.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        assertEquals("sdfleet-workers", consumer.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals(7, consumer.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        assertEquals("6000", consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "pass-through wins");
        Map<String, Object> producer = s.producerConfig();
        assertEquals("sdfleet-worker-w1", producer.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
        assertEquals(5000, producer.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        WorkerSettings plain = WorkerSettings.fromEnv(Map.of("SDFLEET_TRANSACTIONS", "false"), () -> "w");
        assertFalse(plain.producerConfig().containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    }

    @Test
    void theConsumerIsAStaticMemberNamedByTheWorkerIdByDefault() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_WORKER_ID", "sdfleet-worker-0"), () -> "unused");
        Map<String, Object> consumer = s.consumerConfig();
        assertEquals("sdfleet-worker-sdfleet-worker-0", consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("classic", consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
        WorkerSettings dynamic = WorkerSettings.fromEnv(Map.of("SDFLEET_STATIC_MEMBERSHIP", "false"), () -> "w");
        assertFalse(dynamic.consumerConfig().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    @Test
    void theConsumerProtocolLeavesTheAssignorToTheBrokerAndRefusesClassicOnlyProperties() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_GROUP_PROTOCOL", "consumer"), () -> "w");
        Map<String, Object> consumer = s.consumerConfig();
        assertEquals("consumer", consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
        assertFalse(consumer.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerSettings.fromEnv(Map.of(
                "SDFLEET_GROUP_PROTOCOL", "consumer", "SDFLEET_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "SDFLEET_KAFKA_GROUP_INSTANCE_ID", "x", "SDFLEET_KAFKA_GROUP_PROTOCOL", "classic"), () -> "w"));
        assertTrue(e.getMessage().contains("SDFLEET_KAFKA_SESSION_TIMEOUT_MS"), e.getMessage());
        assertTrue(e.getMessage().contains("SDFLEET_KAFKA_GROUP_INSTANCE_ID"), e.getMessage());
        assertTrue(e.getMessage().contains("SDFLEET_KAFKA_GROUP_PROTOCOL"), e.getMessage());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("SDFLEET_WORKER_ID", "bad id!"),
                Map.entry("SDFLEET_RUNTIME", "cuda-magic"),
                Map.entry("SDFLEET_BATCH_MAX_IMAGES", "-1"),
                Map.entry("SDFLEET_BATCH_MAX_WAIT", "soon"),
                Map.entry("SDFLEET_MAX_PENDING_JOBS", "0"),
                Map.entry("SDFLEET_TRANSACTIONS", "maybe"),
                Map.entry("SDFLEET_TRANSACTION_TIMEOUT", "1h"),
                Map.entry("SDFLEET_SHUTDOWN_GRACE", "0s"),
                Map.entry("SDFLEET_POLL_TIMEOUT", "1ms"),
                Map.entry("SDFLEET_STORE_THREADS", "x"),
                Map.entry("SDFLEET_KAFKA_ENABLE_AUTO_COMMIT", "true"),
                Map.entry("SDFLEET_KAFKA_MAX_POLL_INTERVAL_MS", "5000"),
                Map.entry("SDFLEET_REVOKE_TIMEOUT", "10s"),
                Map.entry("SDFLEET_S3_BUCKET", "No_Such Bucket"),
                Map.entry("SDFLEET_ORT_PROVIDER", "rocm"),
                Map.entry("SDFLEET_TRT_PROFILES", "64x64"),
                Map.entry("SDFLEET_VAE_BATCH_IMAGES", "0"),
                Map.entry("SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS", "none"));
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerSettings.fromEnv(env, () -> "h"));
        Set<String> keys = new HashSet<>(e.problems().stream().map(ConfigProblem::key).toList());
        assertEquals(Set.of("SDFLEET_WORKER_ID", "SDFLEET_RUNTIME", "SDFLEET_BATCH_MAX_IMAGES",
                "SDFLEET_BATCH_MAX_WAIT", "SDFLEET_MAX_PENDING_JOBS", "SDFLEET_TRANSACTIONS",
                "SDFLEET_TRANSACTION_TIMEOUT", "SDFLEET_SHUTDOWN_GRACE", "SDFLEET_POLL_TIMEOUT",
                "SDFLEET_STORE_THREADS", "SDFLEET_KAFKA_ENABLE_AUTO_COMMIT", "SDFLEET_REVOKE_TIMEOUT",
                "SDFLEET_S3_BUCKET", "SDFLEET_ORT_PROVIDER", "SDFLEET_TRT_PROFILES", "SDFLEET_VAE_BATCH_IMAGES",
                "SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS"), keys);
        assertTrue(e.getMessage().contains("SDFLEET_WORKER_ID='bad id!'"), e.getMessage());
    }

    @Test
    void anUnusableHostNameAsksForAWorkerId() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerSettings.fromEnv(Map.of(), () -> "a b"));
        assertEquals(List.of("SDFLEET_WORKER_ID"), e.problems().stream().map(ConfigProblem::key).toList());
    }

    @Test
    void unknownSdfleetVariablesAreListed() {
        WorkerSettings s = WorkerSettings.fromEnv(Map.of("SDFLEET_BATCH_MAX_WIAT", "1s", "PATH", "/bin"), () -> "h");
        assertEquals(List.of("SDFLEET_BATCH_MAX_WIAT"), s.unknownKeys());
    }

    @Test
    void theTableListsEverySettingOnceWithADescription() {
        Set<String> names = new HashSet<>();
        for (Setting<?> setting : WorkerSettings.ALL_SETTINGS) {
            assertTrue(names.add(setting.name()), "declared twice: " + setting.name());
            assertFalse(setting.description().isBlank(), setting.name());
        }
        for (Setting<?> own : WorkerSettings.OWN_SETTINGS) {
            assertTrue(names.contains(own.name()));
        }
        assertTrue(names.contains("SDFLEET_BOOTSTRAP_SERVERS") && names.contains("SDFLEET_S3_ENDPOINT")
                && names.contains("SDFLEET_HTTP_PORT"));
    }
}
