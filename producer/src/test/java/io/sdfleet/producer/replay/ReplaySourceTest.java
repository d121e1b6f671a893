package io.sdfleet.producer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.config.KafkaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** replay --model reads that model's requests topic; the DLQ is shared by all models. */
class ReplaySourceTest {

    @Test
    void theModelChoosesTheRequestsTopicAndTheDlqIsShared() {
        KafkaSettings several = KafkaSettings.fromEnv(Map.of("SDFLEET_DEFAULT_MODEL", "base"));
        assertEquals("sd.requests", ReplaySource.REQUESTS.topic(several, null));
        assertEquals("sd.requests", ReplaySource.REQUESTS.topic(several, "base"));
        assertEquals("sd.requests.xl", ReplaySource.REQUESTS.topic(several, "xl"));
        assertEquals("sd.requests.dlq", ReplaySource.DLQ.topic(several, "xl"));
        KafkaSettings one = KafkaSettings.fromEnv(Map.of());
        assertEquals("sd.requests", ReplaySource.REQUESTS.topic(one, "xl"), "a fleet of one model: one topic");
    }
}
