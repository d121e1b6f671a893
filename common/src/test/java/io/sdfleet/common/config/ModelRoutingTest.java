package io.sdfleet.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRoutingTest {

    private static List<String> keys(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::key).toList();
    }

    @Test
    void aFleetOfOneModelSendsEveryRequestToThePlainTopicAndGroupAsBefore() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of());
        assertEquals("", s.defaultModel());
        for (String model : new String[] {null, "tiny-sd", "sd15"}) {
            assertEquals("sd.requests", s.requestsTopicFor(model), String.valueOf(model));
            assertEquals("sdfleet-workers", s.workerGroupFor(model), String.valueOf(model));
        }
    }

    @Test
    void withADefaultModelEveryOtherModelHasItsOwnTopicAndGroup() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "sd15"));
        assertEquals("sd.requests", s.requestsTopicFor(null));
        assertEquals("sd.requests", s.requestsTopicFor("sd15"));
        assertEquals("sdfleet-workers", s.workerGroupFor("sd15"));
        assertEquals("sd.requests.sd15-inpaint", s.requestsTopicFor("sd15-inpaint"));
        assertEquals("sdfleet-workers.sd15-inpaint", s.workerGroupFor("sd15-inpaint"));
        assertThrows(IllegalArgumentException.class, () -> s.requestsTopicFor("has space"));
    }

    @Test
    void thePatternIsConfigurable() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base",
                "SDFLEET_TOPIC_REQUESTS_PATTERN", "prod.{model}.jobs", "SDFLEET_WORKER_GROUP", "gpu"));
        assertEquals("prod.xl.jobs", s.requestsTopicFor("xl"));
        assertEquals("gpu.xl", s.workerGroupFor("xl"));
    }

    @Test
    void badPatternsAndModelNamesAreReportedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.fromEnv(Map.of(
                "SDFLEET_TOPIC_REQUESTS_PATTERN", "sd.requests", "SDFLEET_DEFAULT_MODEL", "-bad")));
        assertEquals(java.util.Set.of("SDFLEET_TOPIC_REQUESTS_PATTERN", "SDFLEET_DEFAULT_MODEL"),
                java.util.Set.copyOf(keys(e)));
        ConfigException slash = assertThrows(ConfigException.class,
                () -> KafkaSettings.fromEnv(Map.of("SDFLEET_TOPIC_REQUESTS_PATTERN", "sd/{model}")));
        assertEquals(List.of("SDFLEET_TOPIC_REQUESTS_PATTERN"), keys(slash));
    }

    @Test
    void aModelWhoseTopicIsAnotherSdfleetTopicCannotBeRouted() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base"));
        assertTrue(s.routingProblem("dlq").orElseThrow().contains("sd.requests.dlq"));
        assertTrue(s.routingProblem("xl").isEmpty());
        assertTrue(s.routingProblem("a b").isPresent());
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.fromEnv(Map.of(
                "SDFLEET_TOPIC_FLEET", "sd.requests")));
        assertEquals(List.of("SDFLEET_TOPIC_FLEET"), keys(e));
    }

    @Test
    void otherBootstrapServersKeepEverythingElse() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base"))
                .withBootstrapServers("kafka:9092");
        assertEquals("kafka:9092", s.bootstrapServers());
        assertEquals("sd.requests.xl", s.requestsTopicFor("xl"));
    }
}
