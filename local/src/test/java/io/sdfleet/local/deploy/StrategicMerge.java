package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The part of Kubernetes' strategic merge patch the overlays use, so an overlay's objects can be checked
 * like the base's without a kustomize binary: mappings merge recursively, {@code null} deletes a key, lists of
 * mappings with a {@code name} merge by name ({@code $patch: delete} removes an element), other lists are
 * replaced. Whole-object deletion ({@code $patch: delete} at the top) is handled by the caller.
 */
final class StrategicMerge {
    private StrategicMerge() {
    }

    /** {@code target} patched in place with {@code patch}. */
    static void apply(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals("$patch")) {
                continue;
            }
            JsonNode current = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && current != null && current.isObject()) {
                apply((ObjectNode) current, value);
            } else if (value.isArray() && current != null && current.isArray() && namedElements(value)
                    && namedElements(current)) {
                mergeByName((ArrayNode) current, (ArrayNode) value);
            } else {
                target.set(key, stripDirectives(value.deepCopy()));
            }
        }
    }

    private static boolean namedElements(JsonNode list) {
        if (list.isEmpty()) {
            return false;
        }
        for (JsonNode n : list) {
            if (!n.isObject() || !n.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static void mergeByName(ArrayNode target, ArrayNode patch) {
        for (JsonNode p : patch) {
            String name = p.get("name").asText();
            int index = -1;
            for (int i = 0; i < target.size(); i++) {
                if (name.equals(target.get(i).path("name").asText())) {
                    index = i;
                }
            }
            boolean delete = "delete".equals(p.path("$patch").asText());
            if (delete) {
                if (index >= 0) {
                    target.remove(index);
                }
            } else if (index >= 0) {
                apply((ObjectNode) target.get(index), p);
            } else {
                target.add(stripDirectives(p.deepCopy()));
            }
        }
    }

    private static JsonNode stripDirectives(JsonNode node) {
        if (node.isObject()) {
            ((ObjectNode) node).remove("$patch");
            node.forEach(StrategicMerge::stripDirectives);
        } else if (node.isArray()) {
            node.forEach(StrategicMerge::stripDirectives);
        }
        return node;
    }
}
