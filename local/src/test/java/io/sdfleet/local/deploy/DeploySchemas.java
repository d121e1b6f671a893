package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The published schemas of every kind the deployment files use (copies under src/test/resources/schemas, see
 * its SOURCES.md), applied with a JSON-schema validator:
 * <ul>
 *   <li>Kubernetes core kinds: the v1.34.0 standalone JSON schemas, made <em>strict</em> on load as
 *       {@code openapi2jsonschema --strict} does: every object schema that lists {@code properties} and says
 *       nothing about others gets {@code additionalProperties: false}. The API server prunes or (with field
 *       validation) refuses an unknown field; here it is a problem.</li>
 *   <li>Custom resources (KEDA ScaledObject and TriggerAuthentication v2.20.2, Prometheus operator
 *       ServiceMonitor v0.93.0, Strimzi KafkaTopic 1.2.0): the served version's {@code openAPIV3Schema} of the
 *       CRD, made strict the same way except where the CRD says {@code x-kubernetes-preserve-unknown-fields}
 *       (a structural schema prunes unknown fields silently: a misspelt field would simply vanish), with
 *       {@code metadata} held against the core ObjectMeta schema. A version the CRD does not serve (e.g.
 *       {@code kafka.strimzi.io/v1beta2} with Strimzi 1.x) is a problem.</li>
 *   <li>Compose files: compose-spec's JSON schema, as {@code docker compose} applies it to each file.</li>
 * </ul>
 * Schemas are compiled once per JVM (the pod-template kinds are 700 KB each). Returns problems; asserts nothing.
 */
final class DeploySchemas {
    /** Classpath folder of the schema copies. */
    static final String ROOT = "schemas/";
    static final String K8S = ROOT + "k8s-v1.34.0-standalone/";

    /** apiVersion/kind of a custom resource → the CRD file that defines it. */
    private static final Map<String, String> CRDS = Map.of(
            "keda.sh/ScaledObject", "crds/keda.sh_scaledobjects-v2.20.2.yaml",
            "keda.sh/TriggerAuthentication", "crds/keda.sh_triggerauthentications-v2.20.2.yaml",
            "monitoring.coreos.com/ServiceMonitor", "crds/monitoring.coreos.com_servicemonitors.yaml",
            "kafka.strimzi.io/KafkaTopic", "crds/kafka.strimzi.io_kafkatopics-1.2.0.yaml");

    /**
     * Kubernetes' OpenAPI extensions, which draft 7 does not know: they steer server-side merging and CEL rules
     * (x-kubernetes-validations, not evaluated here), not the shape of an object. Declared so the validator
     * accepts them without a warning per schema; x-kubernetes-preserve-unknown-fields is honoured by
     * {@link #strict}. Also compose-spec's {@code deprecated}, a later draft's annotation.
     */
    private static final List<String> ANNOTATION_KEYWORDS = List.of("deprecated","x-kubernetes-list-type",
            "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-patch-strategy",
            "x-kubernetes-patch-merge-key", "x-kubernetes-group-version-kind", "x-kubernetes-unions",
            "x-kubernetes-int-or-string", "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-embedded-resource");

    private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft7())
            .keywords(ANNOTATION_KEYWORDS.stream().map(NonValidationKeyword::new).toList()).build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(DIALECT);
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();

    private DeploySchemas() {
    }

    /** Problems of one Kubernetes object against the schema of its apiVersion and kind; empty when it fits. */
    static List<String> problems(String where, JsonNode object) {
        String apiVersion = DeployFiles.text(object.get("apiVersion"));
        String kind = DeployFiles.text(object.get("kind"));
        if (apiVersion == null || kind == null) {
            return List.of(where + ": apiVersion and kind are required");
        }
        String id = where + " " + kind + "/" + object.path("metadata").path("name").asText("?");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        Schema schema;
        try {
            schema = CRDS.containsKey(group + "/" + kind) ? crd(CRDS.get(group + "/" + kind), kind, version)
                    : core(group, version, kind);
        } catch (IllegalArgumentException e) {
            return List.of(id + ": " + e.getMessage());
        }
        return report(id, schema.validate(object));
    }

    /** Problems of one compose file (interpolated, anchors resolved) against compose-spec's schema. */
    static List<String> composeProblems(String where, JsonNode compose) {
        Schema schema = COMPILED.computeIfAbsent("compose", k -> REGISTRY.getSchema(
                SchemaLocation.of("classpath:" + ROOT + "compose/compose-spec.json"), readJson(ROOT + "compose/compose-spec.json")));
        return report(where, schema.validate(compose));
    }

    private static List<String> report(String id, List<Error> errors) {
        List<String> problems = new ArrayList<>();
        for (Error e : errors) {
            problems.add(id + ": schema: " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        return problems;
    }

    private static Schema core(String group, String version, String kind) {
        String file = K8S + kind.toLowerCase(Locale.ROOT) + (group.isEmpty() ? "" : "-" + group.split("\\.")[0])
                + "-" + version + ".json";
        return COMPILED.computeIfAbsent(file, f -> {
            if (DeploySchemas.class.getClassLoader().getResource(f) == null) {
                throw new IllegalArgumentException("no schema for " + (group.isEmpty() ? "" : group + "/") + version
                        + " " + kind + " (" + f + "): copy it from the published schemas (schemas/SOURCES.md)");
            }
            // "$schema": "http://json-schema.org/schema#" names no dialect in particular (the validator knows
            // none by that URI): the schemas use only draft-4 keywords that mean the same in draft 7, the default.
            ObjectNode schema = (ObjectNode) readJson(f);
            schema.remove("$schema");
            return REGISTRY.getSchema(strict(schema));
        });
    }

    private static Schema crd(String file, String kind, String version) {
        return COMPILED.computeIfAbsent(file + "#" + version, f -> {
            JsonNode crd = DeployFiles.yamlDocuments(readText(ROOT + file)).get(0);
            List<String> served = new ArrayList<>();
            for (JsonNode v : crd.path("spec").path("versions")) {
                if (v.path("served").asBoolean(false)) {
                    served.add(v.path("name").asText());
                }
                if (version.equals(v.path("name").asText()) && v.path("served").asBoolean(false)) {
                    ObjectNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
                    ((ObjectNode) schema.with("properties")).set("metadata", objectMeta());
                    return REGISTRY.getSchema(strict(schema));
                }
            }
            throw new IllegalArgumentException(crd.path("spec").path("group").asText() + "/" + version + " " + kind
                    + " is not served by " + file + " (serves " + served + ")");
        });
    }

    /** The core ObjectMeta schema (strict), taken from the ConfigMap schema. */
    private static JsonNode objectMeta() {
        return strict(readJson(K8S + "configmap-v1.json")).path("properties").path("metadata").deepCopy();
    }

    /**
     * The schema with {@code additionalProperties: false} on every object schema that lists properties and
     * allows nothing else explicitly, walking only schema positions (so a property that happens to be named
     * "properties" is not mistaken for the keyword). Changes and returns the node.
     */
    static JsonNode strict(JsonNode schema) {
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode s = (ObjectNode) schema;
        if (s.has("properties") && !s.has("additionalProperties")
                && !s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            s.set("additionalProperties", BooleanNode.FALSE);
        }
        s.path("properties").forEach(DeploySchemas::strict);
        s.path("patternProperties").forEach(DeploySchemas::strict);
        s.path("definitions").forEach(DeploySchemas::strict);
        strict(s.path("additionalProperties"));
        strict(s.path("not"));
        JsonNode items = s.path("items");
        if (items.isArray()) {
            items.forEach(DeploySchemas::strict);
        } else {
            strict(items);
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            s.path(combinator).forEach(DeploySchemas::strict);
        }
        return s;
    }

    private static JsonNode readJson(String resource) {
        try {
            return DeployFiles.JSON.readTree(readText(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readText(String resource) {
        try (InputStream in = DeploySchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
