package io.sdfleet.worker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import io.sdfleet.worker.runtime.sim.SimulatedDevice;
import io.sdfleet.worker.store.ImageStore;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A worker that cannot start releases the clients it made, and names a missing topic. */
class WorkerTest {

    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();

    private static WorkerSettings settings() {
        Map<String, String> env = new HashMap<>();
        env.put("SDFLEET_WORKER_ID", "worker-test");
        env.put("SDFLEET_TRANSACTIONS", "false");
        return WorkerSettings.fromEnv(env, () -> "test-host");
    }

    private KafkaClientFactory clients(RuntimeException consumerFailure, String missingTopic) {
        return new KafkaClientFactory() {
            @Override
            public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
                if (consumerFailure != null) {
                    throw consumerFailure;
                }
                return new MockConsumer<>("earliest");
            }

            @Override
            public Producer<byte[], byte[]> producer(Map<String, Object> config) {
                MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(),
                        new ByteArraySerializer()) {
                    @Override
                    public synchronized List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                        if (topic.equals(missingTopic)) {
                            throw new TimeoutException("Topic " + topic + " not present in metadata after 60000 ms.");
                        }
                        return super.partitionsFor(topic);
                    }
                };
                producers.add(p);
                return p;
            }
        };
    }

    /** A pipeline over a device that takes no time; no job runs in these tests. */
    private static final StableDiffusionPipeline PIPELINE = new SimulatedDevice(
            DeviceProfile.fixed("none", java.time.Duration.ZERO, 16)).pipeline(PipelineSettings.defaults());

    private static final ImageStore STORE = (ImageStore) Proxy.newProxyInstance(WorkerTest.class.getClassLoader(),
            new Class<?>[] {ImageStore.class}, (proxy, method, args) -> {
                throw new AssertionError("the store is not used in these tests: " + method.getName());
            });

    private Worker start(KafkaClientFactory clients) {
        return Worker.start(settings(), PIPELINE, STORE, new WorkerMetrics(new SimpleMeterRegistry()), clients,
                Clock.systemUTC(), state -> { });
    }

    @Test
    void aConsumerThatCannotBeMadeClosesTheProducer() {
        KafkaException bad = new KafkaException("Failed to construct kafka consumer: bad sasl.jaas.config");
        KafkaException thrown = assertThrows(KafkaException.class, () -> start(clients(bad, null)));
        assertTrue(thrown == bad);
        assertTrue(producers.size() == 1 && producers.get(0).closed(), "the producer was closed");
    }

    @Test
    void aMissingDlqTopicFailsTheStartNamingIt() {
        String dlq = settings().kafka().topicDlq();
        WorkerFatalException e = assertThrows(WorkerFatalException.class, () -> start(clients(null, dlq)));
        assertTrue(e.getMessage().contains("'" + dlq + "'"), e.getMessage());
        assertTrue(producers.get(0).closed(), "the producer was closed");
    }
}
