package io.sdfleet.producer.replay;

import io.sdfleet.common.config.KafkaSettings;

/**
 * Which topic a replay reads. Replayed requests go to the requests topic of their model (the producer routes them).
 *
 * <p>The DLQ holds the original bytes of refused requests (with reason headers), so its records decode
 * like those of the requests topic; only those that now pass the checks are replayed.
 */
public enum ReplaySource {
    /** The requests topic of the replay's model ({@link KafkaSettings#requestsTopicFor}; the plain one by default). */
    REQUESTS,
    /** The dead-letter topic ({@code SDFLEET_TOPIC_DLQ}). */
    DLQ;

    /** The topic name of this source in the given settings: the plain requests topic, or the DLQ. */
    public String topic(KafkaSettings settings) {
        return topic(settings, null);
    }

    /**
     * The topic name of this source for the requests of {@code model} (null: the default model's), or the DLQ,
     * which all models share.
     */
    public String topic(KafkaSettings settings, String model) {
        return this == REQUESTS ? settings.requestsTopicFor(model) : settings.topicDlq();
    }
}
