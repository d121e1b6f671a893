package io.sdfleet.worker.scheduler;

import java.util.Locale;

/**
 * What the denoising model predicts (config key {@code prediction_type}).
 *
 * <p>Not every scheduler supports every type; each scheduler checks in its constructor and throws
 * {@link UnsupportedSchedulerConfigException} where diffusers would raise.
 */
public enum PredictionType {
    /** The model predicts the added noise. */
    EPSILON("epsilon"),
    /** The model predicts the velocity v = alpha_t * noise - sigma_t * x0 (Salimans and Ho, 2022). */
    V_PREDICTION("v_prediction"),
    /** The model predicts the denoised sample x0 directly. */
    SAMPLE("sample");

    /** Config key this enum is read from. */
    public static final String KEY = "prediction_type";

    private final String configValue;

    PredictionType(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in scheduler_config.json. */
    public String configValue() {
        return configValue;
    }

    /** Parses a config value; an unknown value is an {@link UnsupportedSchedulerConfigException}. */
    public static PredictionType parse(String value) {
        if (value != null) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            for (PredictionType type : values()) {
                if (type.configValue.equals(wanted)) {
                    return type;
                }
            }
        }
        throw new UnsupportedSchedulerConfigException(KEY, value, "expected one of epsilon, v_prediction, sample");
    }

    /** Throws unless this type is one of {@code supported}; {@code scheduler} names the class in the message. */
    PredictionType requireOneOf(String scheduler, PredictionType... supported) {
        for (PredictionType type : supported) {
            if (type == this) {
                return this;
            }
        }
        throw new UnsupportedSchedulerConfigException(KEY, configValue, scheduler + " does not support it");
    }
}
