package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The width of the UNet's {@code encoder_hidden_states} that the engine build uses must be the model's own:
 * tools/build-trt-engines.sh reads it from the model's unet/config.json ({@code cross_attention_dim}) unless
 * {@code TRT_HIDDEN_SIZE} pins it, and an engine built with another width cannot take the text encoder's output.
 * A deployment file that pins it must therefore point at a model whose config says the same; where the files
 * cannot know the model (a volume the operator fills), pinning it is a problem in itself.
 *
 * <p>Where a model folder is: a container path is followed through the service's bind mounts (compose) and then
 * through the worker image's {@code COPY} instructions (the tiny model baked in at /opt/sdfleet/models) back to a
 * folder of this repository; anything else (a PersistentVolumeClaim) is unknown. Returns problems.
 */
final class EngineHiddenSize {
    static final String VARIABLE = "TRT_HIDDEN_SIZE";

    private EngineHiddenSize() {
    }

    /** {@code cross_attention_dim} of a model folder's unet/config.json, or null when it has none. */
    static Integer modelWidth(Path modelDir) {
        Path config = modelDir.resolve("unet/config.json");
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try {
            JsonNode dim = DeployFiles.JSON.readTree(Files.readString(config)).get("cross_attention_dim");
            return dim == null || !dim.canConvertToInt() ? null : dim.asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param pinned TRT_HIDDEN_SIZE as the engine build sees it (null or blank: unset, the script reads the config)
     * @param model  the model folder in this repository, or null when the files cannot know it
     */
    static List<String> problems(String where, String pinned, String modelDir, Path model) {
        if (pinned == null || pinned.isBlank()) {
            return List.of();
        }
        if (model == null) {
            return List.of(where + ": pins " + VARIABLE + "=" + pinned + " for a model (" + modelDir + ") these files "
                    + "cannot know: leave it unset so that build-trt-engines.sh reads the model's unet/config.json");
        }
        Integer width = modelWidth(model);
        if (width != null && !String.valueOf(width).equals(pinned.strip())) {
            return List.of(where + ": pins " + VARIABLE + "=" + pinned + " but the model it builds, " + modelDir + " ("
                    + DeployFiles.root().relativize(model.toAbsolutePath().normalize()) + "), has cross_attention_dim "
                    + width + ": its engines would not take the text encoder's output");
        }
        return List.of();
    }

    /**
     * The repository folder behind a container path: through {@code mounts} (container path → host folder), then
     * the worker image's COPY instructions; null when neither provides it.
     */
    static Path resolve(String containerPath, Map<String, Path> mounts) {
        if (containerPath == null) {
            return null;
        }
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            Path hit = under(containerPath, m.getKey(), m.getValue());
            if (hit != null) {
                return hit;
            }
        }
        Path root = DeployFiles.root();
        for (String[] copy : imageCopies()) {
            Path hit = under(containerPath, copy[1], root.resolve(copy[0]));
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    private static Path under(String path, String dir, Path host) {
        String d = dir.replaceAll("/+$", "");
        if (path.equals(d)) {
            return host.normalize();
        }
        return path.startsWith(d + "/") ? host.resolve(path.substring(d.length() + 1)).normalize() : null;
    }

    /** {source in the repository, destination in the image} of the worker image's plain COPY instructions. */
    static List<String[]> imageCopies() {
        List<String[]> out = new ArrayList<>();
        for (String i : DockerfileChecks.instructions(DeployFiles.read(DeployFiles.root().resolve("docker/worker.Dockerfile")))) {
            if (!i.startsWith("COPY ") || i.contains("--from=")) {
                continue;
            }
            String[] words = i.substring(5).replaceAll("--\\S+", "").strip().split("\\s+");
            if (words.length == 2) {
                out.add(words);
            }
        }
        return out;
    }
}
