package io.sdfleet.local.it.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.fleet.FleetCatalog;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.it.CliRun;
import io.sdfleet.producer.ModelNotServedException;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.kafka.FleetReader;
import io.sdfleet.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fleet catalog on the real broker: two workers of two models announce themselves; the producer refuses a
 * model no live worker serves (listing those served) and sends for a served one; {@code sdfleet models} lists both;
 * a killed worker (SIGKILL: no tombstone) drops out once three heartbeats passed, a cleanly stopped one at once.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class FleetCatalogTest {

    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration STALE = HEARTBEAT.multipliedBy(WorkerAnnouncement.STALE_AFTER_HEARTBEATS);

    @Test
    void theCatalogListsLiveWorkersAndDropsKilledOnesAfterThreeHeartbeatsAndStoppedOnesAtOnce(LocalStack stack)
            throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "catalog", true)) {
            Map<String, String> fleet = Map.of("SDFLEET_DEFAULT_MODEL", "sim-a",
                    "SDFLEET_TOPIC_REQUESTS_PATTERN", s.corner.requests() + ".{model}",
                    "SDFLEET_FLEET_HEARTBEAT", HEARTBEAT.toMillis() + "ms");
            Map<String, String> envA = s.env("a", merged(fleet, Map.of("SDFLEET_MODEL_NAME", "sim-a")));
            Map<String, String> envB = s.env("b", merged(fleet, Map.of("SDFLEET_MODEL_NAME", "sim-b")));
            FleetReader catalog = reader(stack, envA.get("SDFLEET_TOPIC_FLEET"));
            try (WorkerChild a = WorkerChild.start(envA, Duration.ZERO)) {
                a.awaitLog("worker " + envA.get("SDFLEET_WORKER_ID") + " started", WorkerScenario.WAIT);
                Worker b = s.startWorker("b", new FakePipeline(Duration.ZERO, 4).pipeline(), merged(fleet,
                        Map.of("SDFLEET_MODEL_NAME", "sim-b")));
                WorkerScenario.await("both workers in the catalog", WorkerScenario.WAIT,
                        () -> models(catalog).equals(List.of("sim-a", "sim-b")));
                WorkerAnnouncement announced = catalog.read(Duration.ofSeconds(10)).liveByModel(Instant.now())
                        .get("sim-b").get(0);
                assertEquals(s.corner.requests() + ".sim-b", announced.requestsTopic());
                assertEquals(s.corner.group() + ".sim-b", announced.workerGroup());
                assertEquals(List.of("txt2img"), announced.modes());
                assertTrue(announced.schedulers().contains("euler-a"), announced.schedulers().toString());
                assertTrue(announced.sizes().serves(64, 64), announced.sizes().toString());

                Map<String, String> producerEnv = merged(envB, Map.of());
                try (SdfleetProducer producer = SdfleetProducer.builder().env(producerEnv).build()) {
                    ModelNotServedException refused = assertThrows(ModelNotServedException.class,
                            () -> producer.submit(JobRequest.builder("p").model("sim-nope").build()));
                    assertEquals(List.of("sim-a", "sim-b"), refused.servedModels());
                    assertTrue(refused.getMessage().contains("sim-a, sim-b"), refused.getMessage());
                    producer.submit(s.request(1, 1).toBuilder().model("sim-b").build());
                }
                CliRun refusedRun = CliRun.execute(producerEnv, "submit", "p", "--model", "sim-nope");
                assertEquals(2, refusedRun.exitCode(), refusedRun.toString());
                assertTrue(refusedRun.err().contains("models served now: sim-a, sim-b"), refusedRun.toString());
                CliRun unchecked = CliRun.execute(producerEnv, "submit", "p", "--model", "sim-nope",
                        "--no-model-check");
                assertEquals(0, unchecked.exitCode(), "--no-model-check sends anyway: " + unchecked);
                CliRun models = CliRun.execute(producerEnv, "models");
                assertEquals(0, models.exitCode(), models.toString());
                assertTrue(models.out().contains("sim-a  workers=1") && models.out().contains("sim-b  workers=1"),
                        models.toString());
                CliRun json = CliRun.execute(producerEnv, "models", "--json");
                List<String> lines = json.out().lines().toList();
                assertEquals(2, lines.size(), json.toString());
                com.fasterxml.jackson.databind.JsonNode modelB = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(lines.get(1));
                assertEquals("sim-b", modelB.path("model").asText());
                assertEquals(s.corner.requests() + ".sim-b", modelB.path("topic").asText());
                assertEquals(s.corner.name() + "-b", modelB.path("workers").get(0).path("workerId").asText());
                assertTrue(modelB.path("lag").isNumber(), json.toString());

                // SIGKILL: no tombstone. Still listed within three heartbeats of its last one, gone after them.
                a.process().destroyForcibly();
                assertTrue(a.process().waitFor(10, TimeUnit.SECONDS));
                long killed = System.nanoTime();
                assertTrue(models(catalog).contains("sim-a"), "a killed worker counts as live for 3 heartbeats");
                WorkerScenario.await("the killed worker dropped", STALE.plus(Duration.ofSeconds(5)),
                        () -> !models(catalog).contains("sim-a"));
                Duration dropped = Duration.ofNanos(System.nanoTime() - killed);
                assertTrue(dropped.compareTo(STALE.plus(Duration.ofSeconds(2))) <= 0, "dropped after " + dropped);

                // A clean stop writes its tombstone before it returns: gone at the next read.
                b.close();
                assertEquals(List.of(), models(catalog));
                System.out.printf("catalog: killed worker dropped after %d ms (bound %d ms), stopped worker at once%n",
                        dropped.toMillis(), STALE.toMillis());
            }
        }
    }

    private static List<String> models(FleetReader reader) {
        return FleetCatalog.modelNames(reader.read(Duration.ofSeconds(10)).live(Instant.now()));
    }

    private static FleetReader reader(LocalStack stack, String topic) {
        return new FleetReader(() -> new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer()), topic, stack.bootstrapServers());
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> out = new HashMap<>(a);
        out.putAll(b);
        return out;
    }
}
