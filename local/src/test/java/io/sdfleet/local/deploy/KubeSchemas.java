package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schema checks of Kubernetes objects.
 *
 * <p>Core kinds are read into fabric8's generated model classes (the API's OpenAPI schema as Java). Those
 * classes keep unknown fields in an {@code additionalProperties} map instead of failing, so after reading, the
 * object graph is walked and any non-empty {@code additionalProperties} is a problem: a misspelt or
 * misplaced field. A value of the wrong type fails the read itself.
 *
 * <p>Custom resources (KEDA, Prometheus operator, Strimzi) have no model on the classpath; their fields are
 * held against {@link CrdSchemas}, which lists the documented keys of the parts these manifests use.
 */
final class KubeSchemas {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private static final Map<String, Class<?>> CORE = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "batch/v1/Job", Job.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    private KubeSchemas() {
    }

    /** Problems of one object; empty when it fits the schema of its apiVersion and kind. */
    static List<String> problems(String where, JsonNode object) {
        String apiVersion = DeployFiles.text(object.get("apiVersion"));
        String kind = DeployFiles.text(object.get("kind"));
        if (apiVersion == null || kind == null) {
            return List.of(where + ": apiVersion and kind are required");
        }
        String id = where + " " + kind + "/" + object.path("metadata").path("name").asText("?");
        Class<?> type = CORE.get(apiVersion + "/" + kind);
        if (type != null) {
            Object model;
            try {
                model = MAPPER.treeToValue(object, type);
            } catch (Exception e) {
                return List.of(id + ": does not fit the " + apiVersion + " " + kind + " schema: " + e.getMessage());
            }
            List<String> problems = new ArrayList<>();
            unknownFields(model, id, problems);
            return problems;
        }
        if (CrdSchemas.knows(apiVersion, kind)) {
            return CrdSchemas.problems(id, apiVersion, kind, object);
        }
        return List.of(id + ": unknown apiVersion/kind " + apiVersion + " " + kind + " (add its schema to the checks)");
    }

    private static void unknownFields(Object model, String path, List<String> problems) {
        if (model == null) {
            return;
        }
        if (model instanceof Collection<?> list) {
            int i = 0;
            for (Object o : list) {
                unknownFields(o, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (model instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (!model.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : model.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(model);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            if (SKIPPED_GETTERS.contains(field)) {
                continue;
            }
            unknownFields(value, path + "." + field, problems);
        }
    }

    /** Getters that are no schema fields (derived values). */
    private static final Set<String> SKIPPED_GETTERS = Set.of("class", "plural", "singular", "fullResourceName");
}
