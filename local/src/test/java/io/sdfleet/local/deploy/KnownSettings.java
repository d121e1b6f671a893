package io.sdfleet.local.deploy;

import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.Setting;
import io.sdfleet.producer.ProducerSettings;
import io.sdfleet.worker.WorkerSettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Which environment variables a process reads: the declared settings lists plus the {@code SDFLEET_KAFKA_}
 * pass-through (mapped as {@link KafkaSettings} maps it, then looked up in Kafka's own config names). A
 * deployment file that sets anything else sets a variable nobody reads (a typo the process would at most warn
 * about), which these checks refuse.
 */
enum KnownSettings {
    WORKER(WorkerSettings.ALL_SETTINGS, Set.of("SDFLEET_BOOTSTRAP_SERVERS", "SDFLEET_S3_ENDPOINT",
            "SDFLEET_S3_ACCESS_KEY", "SDFLEET_S3_SECRET_KEY", "SDFLEET_MODEL_DIR", "SDFLEET_RUNTIME")),
    PRODUCER(concat(KafkaSettings.SETTINGS, ProducerSettings.SETTINGS), Set.of("SDFLEET_BOOTSTRAP_SERVERS"));

    /**
     * Variables of the JVM, DJL and the engine-build script that deployment files may set besides sdfleet's.
     * DJL_CACHE_DIR: where DJL finds its JNI; JAVA_TOOL_OPTIONS: heap sizing; TRT_*: build-trt-engines.sh's own (it
     * reads the engine folder, profiles and precision from the worker's SDFLEET_* settings).
     */
    static final Set<String> RUNTIME_VARIABLES = Set.of("DJL_CACHE_DIR", "JAVA_TOOL_OPTIONS", "JAVA_HOME", "PATH",
            "TRT_HIDDEN_SIZE", "TRT_WORKSPACE_MIB", "TRTEXEC");

    private final Set<String> names;
    private final Set<String> required;

    KnownSettings(List<Setting<?>> settings, Set<String> required) {
        Set<String> n = new LinkedHashSet<>();
        settings.forEach(s -> n.add(s.name()));
        this.names = Set.copyOf(n);
        this.required = required;
    }

    Set<String> names() {
        return names;
    }

    Set<String> required() {
        return required;
    }

    /** Problems of one variable name; empty when the process reads it. */
    List<String> problemsOf(String where, String name) {
        if (names.contains(name) || RUNTIME_VARIABLES.contains(name)) {
            return List.of();
        }
        if (name.startsWith(KafkaSettings.CLIENT_PREFIX)) {
            String property = name.substring(KafkaSettings.CLIENT_PREFIX.length()).toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            if (ProducerConfig.configNames().contains(property) || ConsumerConfig.configNames().contains(property)
                    || AdminClientConfig.configNames().contains(property)) {
                return List.of();
            }
            return List.of(where + ": " + name + " maps to '" + property + "', which is no Kafka client property");
        }
        return List.of(where + ": " + name + " is read by no " + name().toLowerCase(Locale.ROOT) + " setting");
    }

    /** Problems of a whole environment: unknown names, values the setting refuses, required ones missing. */
    List<String> problems(String where, Map<String, String> env, boolean checkRequired) {
        List<String> problems = new ArrayList<>();
        env.forEach((name, value) -> {
            problems.addAll(problemsOf(where, name));
            settingNamed(name).ifPresent(s -> {
                if (value != null && !value.contains("$(")) {
                    try {
                        s.parse(value);
                    } catch (IllegalArgumentException e) {
                        problems.add(where + ": " + name + "='" + value + "' is refused: " + e.getMessage());
                    }
                }
            });
        });
        if (checkRequired) {
            required.stream().filter(r -> !env.containsKey(r)).sorted()
                    .forEach(r -> problems.add(where + ": required " + r + " is not set"));
        }
        return problems;
    }

    private java.util.Optional<Setting<?>> settingNamed(String name) {
        List<Setting<?>> all = this == WORKER ? WorkerSettings.ALL_SETTINGS
                : concat(KafkaSettings.SETTINGS, ProducerSettings.SETTINGS);
        return all.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static List<Setting<?>> concat(List<Setting<?>> a, List<Setting<?>> b) {
        List<Setting<?>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
