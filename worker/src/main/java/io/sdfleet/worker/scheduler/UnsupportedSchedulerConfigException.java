package io.sdfleet.worker.scheduler;

/**
 * A scheduler configuration names a value this implementation does not support or cannot read (an unknown
 * {@code timestep_spacing}, {@code beta_schedule}, {@code algorithm_type}, {@code prediction_type}, an option
 * such as {@code thresholding} that is switched on, or a value of the wrong JSON type).
 *
 * <p>What to do: this is a fault of the model's configuration (or of the requested scheduler/model pair), not
 * a transient one. Retrying cannot help; fail the model load (or the job) with this message. It is thrown
 * instead of silently computing numbers that differ from diffusers.
 */
public final class UnsupportedSchedulerConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;

    /**
     * @param key the scheduler_config.json key, e.g. {@code timestep_spacing}
     * @param value the offending value as text
     * @param detail what is supported instead, or why the value cannot be used
     */
    public UnsupportedSchedulerConfigException(String key, Object value, String detail) {
        super("unsupported scheduler config " + key + "=" + value + ": " + detail);
        this.key = key;
        this.value = String.valueOf(value);
    }

    /** The scheduler_config.json key whose value is not supported. */
    public String key() {
        return key;
    }

    /** The offending value as text. */
    public String value() {
        return value;
    }
}
