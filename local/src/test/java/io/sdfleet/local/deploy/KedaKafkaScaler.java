package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters KEDA's Kafka scaler reads, taken from the scaler's own Go source (a copy of
 * pkg/scalers/kafka_scaler.go of KEDA v2.20.2 under src/test/resources/schemas/keda): every field of its
 * {@code kafkaMetadata} struct carries a tag {@code keda:"name=N,order=triggerMetadata;authParams;resolvedEnv,
 * optional|default=D,enum=a;b"}. The CRD types trigger metadata only as a map of strings, so this is the one
 * authority on which keys exist: a key the scaler does not read is ignored by KEDA without a word (a misspelt
 * {@code consumerGroup} makes KEDA fail, a misspelt {@code lagThreshold} silently uses the default).
 *
 * <p>Checks: every trigger metadata key is a {@code triggerMetadata} parameter, every TriggerAuthentication
 * parameter an {@code authParams} one; enum values are among the allowed ones, whole-number and true/false
 * fields parse; every required parameter (neither optional nor defaulted) is given somewhere. Returns problems.
 */
final class KedaKafkaScaler {
    static final String SOURCE = DeploySchemas.ROOT + "keda/keda_kafka_scaler-v2.20.2.go";
    private static final Pattern FIELD = Pattern.compile(
            "(?m)^\\s*\\w+\\s+((?:\\[])?[\\w.]+)\\s+`keda:\"([^\"]*)\"`");

    /** One parameter: its name, Go type, where KEDA looks for it, and its rules. */
    record Parameter(String name, String type, Set<String> order, boolean required, List<String> allowed) {
    }

    private static final Map<String, Parameter> PARAMETERS = parse(DeploySchemas.readText(SOURCE));

    private KedaKafkaScaler() {
    }

    static Map<String, Parameter> parameters() {
        return PARAMETERS;
    }

    static Map<String, Parameter> parse(String go) {
        int start = go.indexOf("type kafkaMetadata struct {");
        if (start < 0) {
            throw new IllegalStateException(SOURCE + " has no kafkaMetadata struct");
        }
        String struct = go.substring(start, go.indexOf("\n}", start));
        Map<String, Parameter> out = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(struct);
        while (m.find()) {
            String name = null;
            Set<String> order = Set.of();
            boolean optional = false;
            List<String> allowed = List.of();
            for (String part : m.group(2).split(",")) {
                String[] kv = part.split("=", 2);
                switch (kv[0]) {
                    case "name" -> name = kv[1];
                    case "order" -> order = Set.of(kv[1].split(";"));
                    case "optional", "default" -> optional = true;
                    case "enum" -> allowed = List.of(kv[1].split(";"));
                    default -> { }
                }
            }
            if (name != null) {
                out.put(name, new Parameter(name, m.group(1), order, !optional, allowed));
            }
        }
        return out;
    }

    /**
     * Problems of a kafka trigger: its metadata, and the parameters its TriggerAuthentication maps (name →
     * where the value comes from; the value itself is in a Secret and may be unknown, i.e. null).
     */
    static List<String> problems(String where, JsonNode metadata, Map<String, String> authParams) {
        List<String> problems = new ArrayList<>();
        metadata.fields().forEachRemaining(e -> {
            Parameter p = PARAMETERS.get(e.getKey());
            Parameter fromEnv = e.getKey().endsWith("FromEnv")
                    ? PARAMETERS.get(e.getKey().substring(0, e.getKey().length() - "FromEnv".length())) : null;
            if (fromEnv != null && fromEnv.order().contains("resolvedEnv")) {
                return; // the value is a container's env variable, resolved by KEDA
            }
            if (p == null || !p.order().contains("triggerMetadata")) {
                problems.add(where + ": trigger metadata '" + e.getKey() + "' is read by no KEDA kafka scaler parameter"
                        + (p == null ? "" : " from trigger metadata (only from " + p.order() + ")"));
            } else if (!e.getValue().isTextual()) {
                problems.add(where + ": trigger metadata " + e.getKey() + " must be a string (quote it)");
            } else {
                problems.addAll(value(where, p, e.getValue().asText()));
            }
        });
        authParams.forEach((name, value) -> {
            Parameter p = PARAMETERS.get(name);
            if (p == null || !p.order().contains("authParams")) {
                problems.add(where + ": TriggerAuthentication parameter '" + name
                        + "' is read by no KEDA kafka scaler parameter" + (p == null ? "" : " from authParams (only from "
                        + p.order() + ")"));
            } else if (value != null) {
                problems.addAll(value(where, p, value));
            }
        });
        for (Parameter p : PARAMETERS.values()) {
            if (p.required() && !metadata.has(p.name()) && !metadata.has(p.name() + "FromEnv")
                    && !authParams.containsKey(p.name())) {
                problems.add(where + ": KEDA kafka scaler parameter " + p.name() + " is required and not given");
            }
        }
        return problems;
    }

    private static List<String> value(String where, Parameter p, String value) {
        if (!p.allowed().isEmpty() && !p.allowed().contains(value)) {
            return List.of(where + ": " + p.name() + " '" + value + "' is not one of " + p.allowed());
        }
        if (p.type().startsWith("int") && !value.strip().matches("-?\\d+")) {
            return List.of(where + ": " + p.name() + " '" + value + "' is not a whole number");
        }
        if (p.type().equals("bool") && !value.matches("(?i)true|false|1|0|t|f")) {
            return List.of(where + ": " + p.name() + " '" + value + "' is not true or false");
        }
        return List.of();
    }
}
