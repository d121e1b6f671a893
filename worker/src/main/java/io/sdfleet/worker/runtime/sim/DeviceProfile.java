package io.sdfleet.worker.runtime.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdfleet.worker.runtime.LatentSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How long a GPU takes for each model call, as a small linear model read from a data file, so that the fleet's
 * GPU behaviour can be measured on a machine without one ({@link SimulatedDevice}) and the file replaced by a
 * real GPU's measurements ({@code ./sdfleet bench pipeline --profile-out FILE} writes one).
 *
 * <p>The model: a UNet call of {@code n} items at latent size {@code h x w} takes
 * {@code (unetFixedMs + unetPerItemMs * n) * (h * w) / (refH * refW)}; a VAE decode takes
 * {@code vaePerImageMs} per image scaled by area likewise; a text-encoder call takes
 * {@code textFixedMs + textPerPromptMs * prompts}. {@code maxItems} is the largest UNet batch the profile
 * describes (the serving benchmark's "largest batch").
 *
 * <p>File layout (JSON): {@code name}, {@code description}, {@code sources} (list of strings: where the numbers
 * come from), {@code referenceLatent} {height, width}, {@code unet} {fixedMs, perItemMs}, {@code vae}
 * {perImageMs}, {@code textEncoder} {fixedMs, perPromptMs}, {@code maxItems}. Immutable.
 */
public record DeviceProfile(String name, String description, List<String> sources, LatentSize referenceLatent,
                            double unetFixedMs, double unetPerItemMs, double vaePerImageMs, double textFixedMs,
                            double textPerPromptMs, int maxItems) {

    /** The profile shipped for SD 1.5 fp16 on TensorRT on an H100-class GPU. */
    public static final String SD15_H100 = "sd15-h100-trt-fp16";

    private static final ObjectMapper JSON = new ObjectMapper();

    public DeviceProfile {
        Objects.requireNonNull(name, "name");
        sources = List.copyOf(sources);
        Objects.requireNonNull(referenceLatent, "referenceLatent");
        if (unetFixedMs < 0 || unetPerItemMs < 0 || vaePerImageMs < 0 || textFixedMs < 0 || textPerPromptMs < 0
                || maxItems < 1) {
            throw new IllegalArgumentException("profile " + name + ": times must be >= 0 and maxItems >= 1");
        }
    }

    /** A profile for tests: every UNet call takes {@code unetCall}, everything else no time. */
    public static DeviceProfile fixed(String name, Duration unetCall, int maxItems) {
        return new DeviceProfile(name, "fixed time per UNet call", List.of(), new LatentSize(8, 8),
                unetCall.toNanos() / 1e6, 0, 0, 0, 0, maxItems);
    }

    /** A shipped profile by name ({@link #SD15_H100}), or a file path. */
    public static DeviceProfile named(String nameOrPath) {
        String resource = nameOrPath + ".json";
        try (InputStream in = DeviceProfile.class.getResourceAsStream(resource)) {
            if (in != null) {
                return parse(JSON.readTree(in), resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped profile " + resource, e);
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no device profile '" + nameOrPath + "': neither a shipped one ("
                    + SD15_H100 + ") nor a file");
        }
        try {
            return parse(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read device profile " + file, e);
        }
    }

    private static DeviceProfile parse(JsonNode json, String where) {
        try {
            List<String> sources = new ArrayList<>();
            json.path("sources").forEach(n -> sources.add(n.asText()));
            JsonNode ref = json.required("referenceLatent");
            return new DeviceProfile(json.required("name").asText(), json.path("description").asText(""), sources,
                    new LatentSize(ref.required("height").asInt(), ref.required("width").asInt()),
                    json.required("unet").required("fixedMs").asDouble(),
                    json.required("unet").required("perItemMs").asDouble(),
                    json.required("vae").required("perImageMs").asDouble(),
                    json.required("textEncoder").required("fixedMs").asDouble(),
                    json.required("textEncoder").required("perPromptMs").asDouble(),
                    json.required("maxItems").asInt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device profile " + where + ": " + e.getMessage(), e);
        }
    }

    /** This profile as the JSON the loader reads. */
    public String toJson() {
        var root = JSON.createObjectNode();
        root.put("name", name);
        root.put("description", description);
        var list = root.putArray("sources");
        sources.forEach(list::add);
        root.putObject("referenceLatent").put("height", referenceLatent.height()).put("width", referenceLatent.width());
        root.putObject("unet").put("fixedMs", unetFixedMs).put("perItemMs", unetPerItemMs);
        root.putObject("vae").put("perImageMs", vaePerImageMs);
        root.putObject("textEncoder").put("fixedMs", textFixedMs).put("perPromptMs", textPerPromptMs);
        root.put("maxItems", maxItems);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Device time of one UNet call of {@code items} items at {@code size}. */
    public Duration unetCall(int items, LatentSize size) {
        return millis((unetFixedMs + unetPerItemMs * items) * areaScale(size));
    }

    /** Device time of decoding {@code images} images at {@code size}. */
    public Duration vaeDecode(int images, LatentSize size) {
        return millis(vaePerImageMs * images * areaScale(size));
    }

    /** Device time of one text-encoder call for {@code prompts} prompts. */
    public Duration textEncode(int prompts) {
        return millis(textFixedMs + textPerPromptMs * prompts);
    }

    private double areaScale(LatentSize size) {
        return (double) size.area() / referenceLatent.area();
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }
}
