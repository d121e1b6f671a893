package io.sdfleet.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Requests go to their model's topic ({@link io.sdfleet.common.config.ModelRouting}); one-model fleets are unchanged. */
class SdfleetProducerRoutingTest {

    private final MockProducer<String, byte[]> mock =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    private SdfleetProducer producer(Map<String, String> env) {
        return SdfleetProducer.builder().kafkaSettings(KafkaSettings.fromEnv(env)).modelCheck(false)
                .producerFactory(props -> mock).build();
    }

    @Test
    void aFleetOfOneModelPutsEveryRequestOnThePlainTopic() {
        try (SdfleetProducer producer = producer(Map.of())) {
            producer.submit(JobRequest.builder("a").build());
            producer.submit(JobRequest.builder("b").model("tiny-sd").build());
            producer.submit(JobRequest.builder("c").model("anything at all").build());
        }
        assertEquals(List.of("sd.requests", "sd.requests", "sd.requests"),
                mock.history().stream().map(r -> r.topic()).toList());
    }

    @Test
    void severalModelsEachGoToTheirOwnTopicAndTheDefaultModelToThePlainOne() {
        try (SdfleetProducer producer = producer(Map.of("SDFLEET_DEFAULT_MODEL", "base"))) {
            producer.submit(JobRequest.builder("a").build());
            producer.submit(JobRequest.builder("b").model("base").build());
            producer.submit(JobRequest.builder("c").model("tiny-sd-b").build());
            List<SubmitResult> all = producer.submitAll(List.of(JobRequest.builder("d").model("xl").build(),
                    JobRequest.builder("e").model("not a name").build()));
            assertTrue(all.get(0).isSent());
            assertFalse(all.get(1).isSent());
            assertTrue(all.get(1).failure() instanceof InvalidRequestException);
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> producer.submit(JobRequest.builder("f").model("not a name").build()));
            assertEquals("model", e.violations().get(0).field());
            assertEquals("sd.requests.xl", producer.requestsTopicFor("xl"));
        }
        assertEquals(List.of("sd.requests", "sd.requests", "sd.requests.tiny-sd-b", "sd.requests.xl"),
                mock.history().stream().map(r -> r.topic()).toList());
    }
}
