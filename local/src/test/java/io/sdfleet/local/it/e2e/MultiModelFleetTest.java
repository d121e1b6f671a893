package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.worker.model.ModelDigest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two models in one fleet: the tiny model (the default model, on the plain requests topic) and a copy of it under
 * another name with other UNet weights (on its own topic and group). Each model's jobs are made by its own worker
 * only (the completion names the model and its digest), the same request gives other images on the other model,
 * and a record for one model put on the other's topic by hand is refused with MODEL_NOT_SERVED, never run.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class MultiModelFleetTest {

    static final String BASE = "tiny-sd";
    static final String OTHER = "tiny-sd-b";

    @Test
    void eachModelsJobsAreMadeOnlyByItsWorkersAndAStrayRecordIsRefused(LocalStack stack, @TempDir Path tmp)
            throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-models")) {
            Path baseDir = Path.of(s.env("x", Map.of()).get("SDFLEET_MODEL_DIR"));
            Path otherDir = ModelCopies.withOtherUNetWeights(baseDir, tmp, OTHER);
            Map<String, String> fleet = Map.of("SDFLEET_DEFAULT_MODEL", BASE,
                    "SDFLEET_TOPIC_REQUESTS_PATTERN", s.corner.requests() + ".{model}");
            String otherTopic = s.corner.requests() + "." + OTHER;
            KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(otherTopic, 2)),
                    FleetScenario.WAIT);
            InProcessWorker base = s.startWorker("base", fleet);
            Map<String, String> otherEnv = new HashMap<>(fleet);
            otherEnv.put("SDFLEET_MODEL_DIR", otherDir.toString());
            InProcessWorker other = s.startWorker("other", otherEnv);
            assertEquals(OTHER, other.modelName());

            Map<String, String> producerEnv = new HashMap<>(s.env("producer", fleet));
            try (SdfleetProducer producer = SdfleetProducer.builder().env(producerEnv).build()) {
                JobRequest job = JobRequest.builder("one prompt, two models").size(64, 64).steps(2).seed(7L).build();
                String noModel = producer.submit(job);
                String onBase = producer.submit(job.toBuilder().jobId(null).model(BASE).build());
                String onOther = producer.submit(job.toBuilder().jobId(null).model(OTHER).build());
                String onOther2 = producer.submit(job.toBuilder().jobId(null).seed(8L).model(OTHER).build());
                String stray = "stray-" + s.corner.name();
                try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
                    // By hand, past the producer's routing: a job for OTHER on the default model's topic.
                    raw.send(new ProducerRecord<>(s.corner.requests(), stray, JobCodec.shared().encode(
                            job.toBuilder().jobId(stray).model(OTHER).build()))).get(30, TimeUnit.SECONDS);
                }

                Map<String, Completion> done = producer.awaitCompletions(
                        List.of(noModel, onBase, onOther, onOther2, stray), FleetScenario.WAIT);

                String baseDigest = ModelDigest.of(baseDir);
                String otherDigest = ModelDigest.of(otherDir);
                assertNotEquals(baseDigest, otherDigest);
                for (String id : List.of(noModel, onBase)) {
                    assertMadeBy(done.get(id), BASE, baseDigest, s.corner.name() + "-base");
                }
                for (String id : List.of(onOther, onOther2)) {
                    assertMadeBy(done.get(id), OTHER, otherDigest, s.corner.name() + "-other");
                }
                assertFalse(Arrays.equals(s.image(done.get(noModel), 0), s.image(done.get(onOther), 0)),
                        "the same request on other weights makes another image");
                assertTrue(Arrays.equals(s.image(done.get(noModel), 0), s.image(done.get(onBase), 0)),
                        "no model and the default model's name are the same model");

                Completion refused = done.get(stray);
                assertEquals(CompletionStatus.FAILED, refused.status());
                assertEquals(ErrorCode.MODEL_NOT_SERVED.code(), refused.error().code());
                assertTrue(refused.error().message().contains("'" + OTHER + "'")
                        && refused.error().message().contains("'" + BASE + "'"), refused.error().message());
                assertEquals(s.corner.name() + "-base", refused.workerId());
                assertTrue(refused.images().isEmpty());
                long strayCompletions = s.allCompletions(5).stream().filter(c -> c.jobId().equals(stray)).count();
                assertEquals(1, strayCompletions, "the stray job completes once, by the worker that refused it");
                System.out.printf("multi-model: %s on %s, %s on %s; stray record refused: %s%n", BASE,
                        s.corner.requests(), OTHER, otherTopic, refused.error().message());
            }
            s.stopWorker(base);
            s.stopWorker(other);
        }
    }

    private static void assertMadeBy(Completion c, String model, String digest, String workerId) {
        assertEquals(CompletionStatus.SUCCEEDED, c.status(), () -> c.jobId() + " " + c.error());
        assertEquals(model, c.model(), c.jobId());
        assertEquals(digest, c.modelDigest(), c.jobId());
        assertEquals(workerId, c.workerId(), c.jobId());
    }
}
