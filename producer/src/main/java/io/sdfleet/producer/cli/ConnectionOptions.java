package io.sdfleet.producer.cli;

import io.sdfleet.common.config.KafkaSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by the commands that talk to Kafka; checked while the arguments are parsed. */
final class ConnectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    String bootstrapServers;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers; overrides SDFLEET_BOOTSTRAP_SERVERS.")
    void setBootstrapServers(String value) {
        try {
            bootstrapServers = KafkaSettings.BOOTSTRAP_SERVERS.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--bootstrap-servers: " + e.getMessage());
        }
    }
}
