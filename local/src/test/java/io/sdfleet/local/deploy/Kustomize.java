package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a kustomization's objects the way kustomize does for the features used here (resources as files or
 * folders, strategic-merge patches by path, {@code $patch: delete}, {@code images} newTag/newName), and
 * reports what kustomize would refuse: a missing resource or patch file, a patch whose target is not among the
 * resources. Checked against {@code kubectl kustomize} 5.5 by hand; tests need no binary.
 *
 * @param objects  the built objects
 * @param problems what does not resolve
 */
record Kustomize(List<ObjectNode> objects, List<String> problems) {

    static Kustomize build(Path dir) {
        List<ObjectNode> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            return new Kustomize(objects, List.of(dir + ": no kustomization.yaml"));
        }
        ObjectNode k = DeployFiles.yamlDocuments(file).get(0);
        for (JsonNode r : k.path("resources")) {
            Path res = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(res)) {
                Kustomize base = build(res);
                objects.addAll(base.objects);
                problems.addAll(base.problems);
            } else if (Files.isRegularFile(res)) {
                objects.addAll(DeployFiles.yamlDocuments(res));
            } else {
                problems.add(file + ": resource " + r.asText() + " does not exist");
            }
        }
        for (JsonNode p : k.path("patches")) {
            Path patchFile = dir.resolve(p.path("path").asText()).normalize();
            if (!Files.isRegularFile(patchFile)) {
                problems.add(file + ": patch " + p.path("path").asText() + " does not exist");
                continue;
            }
            for (ObjectNode patch : DeployFiles.yamlDocuments(patchFile)) {
                ObjectNode target = find(objects, patch);
                if (target == null) {
                    problems.add(patchFile + ": no " + patch.path("kind").asText() + "/"
                            + patch.path("metadata").path("name").asText() + " among the resources to patch");
                } else if ("delete".equals(patch.path("$patch").asText())) {
                    objects.remove(target);
                } else {
                    StrategicMerge.apply(target, patch);
                }
            }
        }
        for (JsonNode image : k.path("images")) {
            setImages(objects, image);
        }
        return new Kustomize(objects, problems);
    }

    private static ObjectNode find(List<ObjectNode> objects, JsonNode patch) {
        for (ObjectNode o : objects) {
            if (o.path("kind").asText().equals(patch.path("kind").asText())
                    && o.path("apiVersion").asText().equals(patch.path("apiVersion").asText())
                    && o.path("metadata").path("name").asText().equals(patch.path("metadata").path("name").asText())) {
                return o;
            }
        }
        return null;
    }

    private static void setImages(List<ObjectNode> objects, JsonNode rule) {
        String name = rule.path("name").asText();
        for (ObjectNode o : objects) {
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode c : o.path("spec").path("template").path("spec").path(list)) {
                    String image = c.path("image").asText();
                    if (repository(image).equals(name)) {
                        String repo = rule.has("newName") ? rule.get("newName").asText() : name;
                        String tag = rule.has("newTag") ? rule.get("newTag").asText() : tag(image);
                        ((ObjectNode) c).set("image", TextNode.valueOf(tag.isEmpty() ? repo : repo + ":" + tag));
                    }
                }
            }
        }
    }

    /** {@code sdfleet/worker} of {@code sdfleet/worker:0.1.0} (a registry port's ':' is not a tag). */
    static String repository(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    static String tag(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : "";
    }

    /** The object of a kind and name, or null. */
    ObjectNode get(String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && (name == null || o.path("metadata").path("name").asText().equals(name))).findFirst().orElse(null);
    }

    List<ObjectNode> all(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }
}
