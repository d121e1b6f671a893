package io.sdfleet.local.it.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.producer.ModelNotServedException;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The producer's model check against a real broker, in the two cases a catalog with live workers does not cover: a
 * cluster without the catalog topic (set up before it: requests go out unchecked, as before the catalog, and the
 * check does not create the topic), and a batch for a model no worker serves (refused after one wait, not one wait
 * per request).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ProducerModelCheckKafkaTest {

    @Test
    void withoutTheCatalogTopicRequestsAreSentUncheckedAndTheTopicIsNotCreated(LocalStack stack) throws Exception {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "no-catalog");
        String fleet = topics.requests() + "-fleet-never-created";
        try (SdfleetProducer producer = SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers())
                .requestsTopic(topics.requests()).completionsTopic(topics.completions()).fleetTopic(fleet)
                .build()) {
            producer.submit(JobRequest.builder("an upgrade from before the catalog").jobId("old-1").build());
            producer.submit(JobRequest.builder("naming a model").jobId("old-2").model("any").build());
        }
        assertEquals(2, ProducerTestSupport.readAll(stack, topics.requests(), 2).size());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(fleet),
                    "reading the catalog must not create it (a broker would make it uncompacted)");
        }
    }

    @Test
    void aBatchForAModelNoWorkerServesIsRefusedAfterOneWaitAndSendsNothing(LocalStack stack) throws Exception {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "unserved");
        String fleet = topics.requests() + "-fleet";
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(fleet, 1)),
                ProducerTestSupport.WAIT);
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(JobRequest.builder("for nobody " + i).jobId("nobody-" + i).model("no-such-model").build());
        }
        long began = System.nanoTime();
        List<SubmitResult> results;
        try (SdfleetProducer producer = SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers())
                .requestsTopic(topics.requests()).completionsTopic(topics.completions()).fleetTopic(fleet)
                .build()) {
            results = producer.submitAll(batch);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        for (SubmitResult r : results) {
            assertFalse(r.isSent(), r.toString());
            assertInstanceOf(ModelNotServedException.class, r.failure(), r.toString());
        }
        // Each request waiting out the 2 s re-read would take 16 s; one wait for the batch takes about 2 s.
        assertTrue(tookMs < 8_000, "8 refusals took " + tookMs + " ms: the miss was waited out per request");
        assertEquals(0, ProducerTestSupport.readAll(stack, topics.requests(), 0).size(), "nothing sent");
    }
}
