package io.sdfleet.common.config;

import io.sdfleet.common.ModelNames;
import java.util.Objects;

/**
 * The one rule of which topic a model's requests go to and which consumer group its workers share, used alike by
 * the producer (where to send), the workers (what to read) and replay (what to read again).
 *
 * <p>A fleet of one model ({@code defaultModel} empty, the default): every request goes to {@code topicRequests}
 * and every worker is in {@code workerGroup}, exactly as before models were routed. A fleet of several models: the
 * default model keeps {@code topicRequests} and {@code workerGroup}, as do requests naming no model; any other
 * model {@code m} has the topic {@code topicRequestsPattern} with {@value KafkaSettings#MODEL_PLACEHOLDER} replaced
 * by {@code m}, and the group {@code <workerGroup>.<m>}, so each model's workers scale on their own lag.
 *
 * @param topicRequests        the plain requests topic
 * @param workerGroup          the plain workers' group
 * @param topicRequestsPattern the topic of another model, with the placeholder
 * @param defaultModel         the model of the plain topic; empty for a fleet of one model
 */
public record ModelRouting(String topicRequests, String workerGroup, String topicRequestsPattern,
                           String defaultModel) {

    public ModelRouting {
        Objects.requireNonNull(topicRequests, "topicRequests");
        Objects.requireNonNull(workerGroup, "workerGroup");
        Objects.requireNonNull(topicRequestsPattern, "topicRequestsPattern");
        defaultModel = defaultModel == null ? "" : defaultModel;
    }

    /**
     * The topic of {@code model}'s requests (null: a request naming no model).
     *
     * @throws IllegalArgumentException {@code model} has a topic of its own and is not a model name
     */
    public String requestsTopicFor(String model) {
        return ownTopic(model)
                ? topicRequestsPattern.replace(KafkaSettings.MODEL_PLACEHOLDER, ModelNames.require(model))
                : topicRequests;
    }

    /** The consumer group of {@code model}'s workers. */
    public String workerGroupFor(String model) {
        return ownTopic(model) ? workerGroup + "." + ModelNames.require(model) : workerGroup;
    }

    /** Whether the fleet routes by model at all (a default model is set). */
    public boolean severalModels() {
        return !defaultModel.isEmpty();
    }

    private boolean ownTopic(String model) {
        return severalModels() && model != null && !model.equals(defaultModel);
    }
}
