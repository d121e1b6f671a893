package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The documented fields of the custom resources the manifests use, as key trees: KEDA 2.x ScaledObject and
 * TriggerAuthentication (keda.sh/v1alpha1, "ScaledObject specification" and "Kafka scaler" pages of KEDA's
 * docs), the Prometheus operator's ServiceMonitor (monitoring.coreos.com/v1 API reference) and Strimzi's
 * KafkaTopic (kafka.strimzi.io/v1beta2 API reference). Only the parts a manifest here may use are listed; a key
 * outside them is a problem (a misspelt field is silently ignored by most operators). Also checks that scalar
 * fields are scalars and that the Kafka trigger's metadata values are strings, as KEDA requires.
 */
final class CrdSchemas {
    /** Any scalar. */
    static final Object SCALAR = "scalar";
    /** A mapping of free keys to scalars (labels, trigger metadata values checked elsewhere). */
    static final Object STRING_MAP = "string-map";

    private record ListOf(Object element) {
    }

    private static final Map<String, Object> METADATA = Map.of("name", SCALAR, "namespace", SCALAR,
            "labels", STRING_MAP, "annotations", STRING_MAP);

    private static final Map<String, Object> HPA_RULES = Map.of("stabilizationWindowSeconds", SCALAR,
            "selectPolicy", SCALAR, "policies", new ListOf(Map.of("type", SCALAR, "value", SCALAR,
                    "periodSeconds", SCALAR)));

    /** KEDA's Kafka scaler parameters (trigger metadata). */
    static final Map<String, Object> KAFKA_TRIGGER_METADATA = Map.ofEntries(
            Map.entry("bootstrapServers", SCALAR), Map.entry("consumerGroup", SCALAR), Map.entry("topic", SCALAR),
            Map.entry("lagThreshold", SCALAR), Map.entry("activationLagThreshold", SCALAR),
            Map.entry("offsetResetPolicy", SCALAR), Map.entry("allowIdleConsumers", SCALAR),
            Map.entry("excludePersistentLag", SCALAR), Map.entry("scaleToZeroOnInvalidOffset", SCALAR),
            Map.entry("limitToPartitionsWithLag", SCALAR), Map.entry("partitionLimitation", SCALAR),
            Map.entry("version", SCALAR), Map.entry("sasl", SCALAR), Map.entry("tls", SCALAR),
            Map.entry("unsafeSsl", SCALAR));

    private static final Map<String, Object> SCALED_OBJECT_SPEC = Map.ofEntries(
            Map.entry("scaleTargetRef", Map.of("apiVersion", SCALAR, "kind", SCALAR, "name", SCALAR,
                    "envSourceContainerName", SCALAR)),
            Map.entry("pollingInterval", SCALAR), Map.entry("cooldownPeriod", SCALAR),
            Map.entry("initialCooldownPeriod", SCALAR), Map.entry("idleReplicaCount", SCALAR),
            Map.entry("minReplicaCount", SCALAR), Map.entry("maxReplicaCount", SCALAR),
            Map.entry("fallback", Map.of("failureThreshold", SCALAR, "replicas", SCALAR, "behavior", SCALAR)),
            Map.entry("advanced", Map.of("restoreToOriginalReplicaCount", SCALAR,
                    "horizontalPodAutoscalerConfig", Map.of("name", SCALAR,
                            "behavior", Map.of("scaleUp", HPA_RULES, "scaleDown", HPA_RULES)))),
            Map.entry("triggers", new ListOf(Map.of("type", SCALAR, "name", SCALAR, "metadata", STRING_MAP,
                    "metricType", SCALAR, "useCachedMetrics", SCALAR,
                    "authenticationRef", Map.of("name", SCALAR, "kind", SCALAR)))));

    private static final Map<String, Object> TRIGGER_AUTH_SPEC = Map.of(
            "secretTargetRef", new ListOf(Map.of("parameter", SCALAR, "name", SCALAR, "key", SCALAR)),
            "env", new ListOf(Map.of("parameter", SCALAR, "name", SCALAR, "containerName", SCALAR)));

    private static final Map<String, Object> SERVICE_MONITOR_SPEC = Map.of(
            "selector", Map.of("matchLabels", STRING_MAP),
            "namespaceSelector", Map.of("any", SCALAR, "matchNames", new ListOf(SCALAR)),
            "jobLabel", SCALAR,
            "endpoints", new ListOf(Map.of("port", SCALAR, "targetPort", SCALAR, "path", SCALAR,
                    "scheme", SCALAR, "interval", SCALAR, "scrapeTimeout", SCALAR, "honorLabels", SCALAR)));

    private static final Map<String, Object> KAFKA_TOPIC_SPEC = Map.of("topicName", SCALAR, "partitions", SCALAR,
            "replicas", SCALAR, "config", STRING_MAP);

    private static final Map<String, Map<String, Object>> SPECS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", SCALED_OBJECT_SPEC,
            "keda.sh/v1alpha1/TriggerAuthentication", TRIGGER_AUTH_SPEC,
            "monitoring.coreos.com/v1/ServiceMonitor", SERVICE_MONITOR_SPEC,
            "kafka.strimzi.io/v1beta2/KafkaTopic", KAFKA_TOPIC_SPEC);

    private CrdSchemas() {
    }

    static boolean knows(String apiVersion, String kind) {
        return SPECS.containsKey(apiVersion + "/" + kind);
    }

    static List<String> problems(String id, String apiVersion, String kind, JsonNode object) {
        Map<String, Object> top = Map.of("apiVersion", SCALAR, "kind", SCALAR, "metadata", METADATA,
                "spec", SPECS.get(apiVersion + "/" + kind));
        List<String> problems = new ArrayList<>();
        check(object, top, id, problems);
        for (JsonNode trigger : object.path("spec").path("triggers")) {
            if ("kafka".equals(trigger.path("type").asText())) {
                check(trigger.path("metadata"), KAFKA_TRIGGER_METADATA, id + ".spec.triggers[kafka].metadata", problems);
                trigger.path("metadata").fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.add(id + ": trigger metadata " + e.getKey() + " must be a string (quote it)");
                    }
                });
            }
        }
        return problems;
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode node, Object schema, String path, List<String> problems) {
        if (schema == SCALAR) {
            if (!node.isValueNode()) {
                problems.add(path + ": must be a single value, is " + node.getNodeType());
            }
        } else if (schema == STRING_MAP) {
            if (!node.isObject()) {
                problems.add(path + ": must be a mapping");
                return;
            }
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    problems.add(path + "." + e.getKey() + ": must be a single value");
                }
            });
        } else if (schema instanceof ListOf list) {
            if (!node.isArray()) {
                problems.add(path + ": must be a list");
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), list.element(), path + "[" + i + "]", problems);
            }
        } else {
            Map<String, Object> fields = (Map<String, Object>) schema;
            if (!node.isObject()) {
                problems.add(path + ": must be a mapping");
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Object sub = fields.get(e.getKey());
                if (sub == null) {
                    problems.add(path + ": unknown field '" + e.getKey() + "' (allowed: " + fields.keySet() + ")");
                } else {
                    check(e.getValue(), sub, path + "." + e.getKey(), problems);
                }
            }
        }
    }
}
