package io.sdfleet.common;

import java.util.Optional;

/**
 * The stages of one job whose time a completion reports, as the keys of {@link Completion#timingsMs()}.
 *
 * <p>Why a map on the wire and an enum here: stages may be added without a new schema version and readers
 * ignore keys they do not know, so the JSON stays a map of {@link #key()} to milliseconds; inside the fleet a
 * stage is this type, never a free string. A stage that did not run is absent.
 *
 * <p>With step-level batching a job shares the device with others: {@link #DENOISE} is the job's own span,
 * from its first denoising step to its last (other jobs' steps in between included), not a sum of device time.
 */
public enum Stage {
    /** From the record's timestamp to the job's admission onto the device. */
    QUEUE("queue"),
    /** Fetching, checking and decoding the job's pictures (img2img and inpainting only), off the device. */
    INPUT("input"),
    /** CLIP tokenization of the job's prompts. */
    TOKENIZE("tokenize"),
    /** The text-encoder call that encoded the job's prompts (shared with the jobs admitted with it). */
    ENCODE("encode"),
    /** From the job's first denoising step to its last. */
    DENOISE("denoise"),
    /** VAE decoding of the job's images. */
    DECODE("decode"),
    /** PNG encoding. */
    PNG("png"),
    /** Object-store upload. */
    UPLOAD("upload"),
    /** From taking the record to writing the completion. */
    TOTAL("total");

    private final String key;

    Stage(String key) {
        this.key = key;
    }

    /** The key in {@link Completion#timingsMs()}, e.g. {@code "denoise"}. */
    public String key() {
        return key;
    }

    /** The stage of a wire key, if it is one this build knows. */
    public static Optional<Stage> ofKey(String key) {
        for (Stage stage : values()) {
            if (stage.key.equals(key)) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }
}
