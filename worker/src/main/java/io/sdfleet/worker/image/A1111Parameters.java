package io.sdfleet.worker.image;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The generation-parameters text AUTOMATIC1111's web UI stores in its PNGs (text chunk
 * {@value #PNG_KEYWORD}), which A1111 ("PNG Info", paste), ComfyUI loaders, Civitai, InvokeAI importers and
 * many scripts parse back:
 *
 * <pre>
 * a castle on a hill
 * Negative prompt: blurry, low quality
 * Steps: 30, Sampler: Euler a, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: sd-v1-5
 * </pre>
 *
 * <p>Rules, as A1111's {@code create_infotext} applies them: prompt first (may span lines); the
 * "Negative prompt: " line only when there is one; then the parameters line in A1111's field order
 * Steps, Sampler, CFG scale, Seed, Size, Model, Denoising strength (img2img and inpainting only), joined by ", ", each as "Key: value", where a value
 * holding ',', ':' or a newline is written as a JSON string (non-ASCII kept); the whole text is stripped
 * of surrounding whitespace. CFG scale is written without a trailing ".0" ("7", "7.5"), as A1111's UI
 * produces it. "Model" is left out when empty. NUL characters are dropped (PNG text cannot hold them).
 *
 * <p>Sampler names are A1111's display names. Karras DPM++ 2M is written the pre-1.9 way, as one sampler
 * name "DPM++ 2M Karras", not "Sampler: DPM++ 2M, Schedule type: Karras": every parser understands the
 * combined name (A1111 1.9+ itself splits it into sampler and schedule type when pasting), while tools
 * written before 1.9 do not know the "Schedule type" field. An unknown wire name is written as is rather
 * than failing the image: the text is informational and the request was validated before the GPU ran.
 * Stateless and thread-safe.
 */
public final class A1111Parameters {

    /** The PNG text keyword A1111 uses for this text. */
    public static final String PNG_KEYWORD = "parameters";

    private static final Map<String, String> SAMPLER_DISPLAY_NAMES = Map.of(
            "pndm", "PLMS", // diffusers' PNDM with skip_prk_steps is the PLMS sampler
            "ddim", "DDIM",
            "euler", "Euler",
            "euler-a", "Euler a",
            "dpmpp-2m", "DPM++ 2M",
            "dpmpp-2m-karras", "DPM++ 2M Karras",
            "lms", "LMS",
            "unipc", "UniPC");

    private A1111Parameters() {
    }

    /** A1111's display name for a scheduler wire name, e.g. "euler-a" to "Euler a"; empty if unknown. */
    public static Optional<String> samplerDisplayName(String samplerWireName) {
        return Optional.ofNullable(SAMPLER_DISPLAY_NAMES.get(samplerWireName));
    }

    /** The wire names that have a display name (for a test that every scheduler is covered). */
    public static Set<String> knownSamplerWireNames() {
        return SAMPLER_DISPLAY_NAMES.keySet();
    }

    /** The parameters text for one image, ready for {@link PngEncoder} under {@link #PNG_KEYWORD}. */
    public static String format(GenerationParameters p) {
        StringBuilder fields = new StringBuilder();
        appendField(fields, "Steps", Integer.toString(p.steps()));
        appendField(fields, "Sampler",
                samplerDisplayName(p.samplerWireName()).orElse(withoutNul(p.samplerWireName())));
        appendField(fields, "CFG scale", decimal(p.cfgScale()));
        appendField(fields, "Seed", Long.toUnsignedString(p.seed()));
        appendField(fields, "Size", p.width() + "x" + p.height());
        String model = withoutNul(p.model());
        if (!model.isEmpty()) {
            appendField(fields, "Model", model);
        }
        if (p.denoisingStrength() != null) {
            appendField(fields, "Denoising strength", decimal(p.denoisingStrength()));
        }
        String negative = withoutNul(p.negativePrompt());
        String negativeLine = negative.isEmpty() ? "" : "\nNegative prompt: " + negative;
        return (withoutNul(p.prompt()) + negativeLine + "\n" + fields).strip();
    }

    private static void appendField(StringBuilder fields, String key, String value) {
        if (fields.length() > 0) {
            fields.append(", ");
        }
        fields.append(key).append(": ").append(quoteIfNeeded(value));
    }

    /** A1111's {@code quote}: JSON-encode a value that holds ',', ':' or a newline. */
    static String quoteIfNeeded(String value) {
        if (value.indexOf(',') < 0 && value.indexOf(':') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (ch < 0x20) {
                        json.append(String.format("\\u%04x", (int) ch));
                    } else {
                        json.append(ch);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /** Shortest decimal without a trailing ".0": 7.0 to "7", 7.5 to "7.5". */
    static String decimal(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String withoutNul(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace("\0", "");
    }
}
