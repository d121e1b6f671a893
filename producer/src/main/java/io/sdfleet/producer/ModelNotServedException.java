package io.sdfleet.producer;

import java.util.List;

/**
 * No live worker serves the model a request names, so it was not sent: it would wait on a topic no worker reads
 * (or be refused). Fix the request's {@code model} (the message lists the models served now), or, for a fleet that
 * scales from zero, send without the check ({@link SdfleetProducerBuilder#modelCheck(boolean)}, the CLI's
 * {@code --no-model-check}, {@code SDFLEET_PRODUCER_MODEL_CHECK=false}).
 */
public final class ModelNotServedException extends RuntimeException {

    private final String model;
    private final transient List<String> servedModels;

    public ModelNotServedException(String model, String topic, List<String> servedModels, String catalogTopic) {
        super("no live worker serves model " + (model == null ? "(the default model)" : "'" + model + "'")
                + " (topic " + topic + "); "
                + (servedModels.isEmpty() ? "no worker has announced itself on " + catalogTopic + " within its"
                        + " last 3 heartbeats" : "models served now: " + String.join(", ", servedModels))
                + ". Nothing was sent; to send anyway (a fleet that scales from zero) turn the model check off"
                + " (--no-model-check, SDFLEET_PRODUCER_MODEL_CHECK=false, builder.modelCheck(false))");
        this.model = model;
        this.servedModels = List.copyOf(servedModels);
    }

    /** The model asked for; null for a request naming none. */
    public String model() {
        return model;
    }

    /** The models live workers serve, sorted. */
    public List<String> servedModels() {
        return servedModels;
    }
}
