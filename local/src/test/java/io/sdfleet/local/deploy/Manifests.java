package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes objects of a kustomization as {@code kubectl kustomize DIR} renders them: the real kustomize
 * (strategic merge, {@code $patch: delete}, images, namespaces, labels), not a re-implementation of it.
 *
 * <p>kubectl is required: when it is missing the deploy tests fail (never skip) with a message saying so, so a CI
 * machine without it cannot pass them silently. {@code -Dsdfleet.kubectl=/path/to/kubectl} picks another binary.
 * Each folder is rendered once per JVM; {@link #render} hands out deep copies, so a test may break its copy
 * (BrokenDeploymentFilesTest) without touching anyone else's.
 *
 * @param objects the rendered objects, in kustomize's output order
 */
record Manifests(List<ObjectNode> objects) {
    /** The kubectl binary: {@code -Dsdfleet.kubectl}, else {@code kubectl} on the PATH. */
    static final String KUBECTL = System.getProperty("sdfleet.kubectl", "kubectl");

    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    /** {@code kubectl kustomize dir}, parsed; fails the calling test when kubectl is missing or refuses the folder. */
    static Manifests render(Path dir) {
        List<ObjectNode> objects = RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Manifests::kustomize);
        List<ObjectNode> copies = new ArrayList<>();
        objects.forEach(o -> copies.add(o.deepCopy()));
        return new Manifests(copies);
    }

    private static List<ObjectNode> kustomize(Path dir) {
        String out = run(List.of(KUBECTL, "kustomize", dir.toString()), dir);
        return DeployFiles.yamlDocuments(out);
    }

    /**
     * Output of a kubectl command; throws AssertionError (a test failure, not an error to skip on) when kubectl
     * cannot be started or exits non-zero, with kubectl's own message.
     */
    static String run(List<String> command, Path dir) {
        Process p;
        try {
            Path err = Files.createTempFile("kubectl", ".err");
            try {
                p = new ProcessBuilder(command).redirectError(err.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                            + Files.readString(err).strip());
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("kubectl is required by the deploy tests and could not be run as '" + KUBECTL
                    + "' (" + e.getMessage() + "): install kubectl (it bundles kustomize) or point -Dsdfleet.kubectl at it."
                    + " The Kubernetes files under " + dir + " are rendered with `kubectl kustomize`, never skipped.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** The first object of a kind (and name, unless null), or null. */
    ObjectNode get(String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && (name == null || o.path("metadata").path("name").asText().equals(name))).findFirst().orElse(null);
    }

    List<ObjectNode> all(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** {@code sdfleet/worker} of {@code sdfleet/worker:0.1.0} (a registry port's ':' is not a tag). */
    static String repository(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }
}
