package io.sdfleet.producer.cli;

import io.sdfleet.producer.ProducerSettings;

import java.util.Map;

/** Resolves the {@link KafkaTarget} of a command from the environment and {@code --bootstrap-servers}. */
final class KafkaTargets {

    private KafkaTargets() {
    }

    /**
     * @param bootstrapOverride already checked by {@link ConnectionOptions}; null when not given
     * @throws io.sdfleet.common.config.ConfigException listing every bad environment variable
     */
    static KafkaTarget resolve(Map<String, String> env, String bootstrapOverride) {
        ProducerSettings settings = ProducerSettings.fromEnv(env);
        return new KafkaTarget(bootstrapOverride != null ? settings.kafka().withBootstrapServers(bootstrapOverride)
                : settings.kafka(), settings.completionLookback(), settings.modelCheck(), settings.store());
    }
}
