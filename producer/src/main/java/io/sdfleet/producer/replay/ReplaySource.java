package io.sdfleet.producer.replay;

import io.sdfleet.common.config.KafkaSettings;

/**
 * Which topic a replay reads. Replayed requests always go to the requests topic.
 *
 * <p>The DLQ holds the original bytes of refused requests (with reason headers), so its records decode
 * like those of the requests topic; only those that now pass the checks are replayed.
 */
public enum ReplaySource {
    /** The requests topic ({@code SDFLEET_TOPIC_REQUESTS}). */
    REQUESTS,
    /** The dead-letter topic ({@code SDFLEET_TOPIC_DLQ}). */
    DLQ;

    /** The topic name of this source in the given settings. */
    public String topic(KafkaSettings settings) {
        return this == REQUESTS ? settings.topicRequests() : settings.topicDlq();
    }
}
