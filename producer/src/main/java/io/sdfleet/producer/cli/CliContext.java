package io.sdfleet.producer.cli;

import io.sdfleet.producer.RequestNormalizer;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may use from its surroundings, injected so that tests run the CLI in-process: output
 * streams, the environment (never {@code System.getenv()} directly), the clock, and the request normalizer.
 */
record CliContext(PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
        RequestNormalizer normalizer, Terminal terminal) {

    CliContext {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        env = Map.copyOf(env);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(normalizer, "normalizer");
        Objects.requireNonNull(terminal, "terminal");
    }

    /** The Kafka target from the environment, with {@code --bootstrap-servers} on top when given. */
    KafkaTarget kafkaTarget(String bootstrapServersOverride) {
        return KafkaTargets.resolve(env, bootstrapServersOverride);
    }
}
