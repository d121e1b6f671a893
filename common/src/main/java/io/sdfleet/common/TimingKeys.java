package io.sdfleet.common;

import java.util.List;

/**
 * Keys of {@link Completion#timingsMs()}: milliseconds spent per stage of one job.
 *
 * <p>Why a map with named keys and not a record: stages may be added (a new runtime may add "compile")
 * without a new schema version, and readers ignore keys they do not know. A stage that did not run is
 * absent. Stages shared by a batch (encode, denoise, decode) report the whole batch's time.
 */
public final class TimingKeys {
    /** From the record's timestamp to the worker taking it into a batch. */
    public static final String QUEUE = "queue";
    /** CLIP tokenization. */
    public static final String TOKENIZE = "tokenize";
    /** Text encoder (conditional and unconditional). */
    public static final String ENCODE = "encode";
    /** All denoising steps (UNet and scheduler). */
    public static final String DENOISE = "denoise";
    /** VAE decoder. */
    public static final String DECODE = "decode";
    /** PNG encoding. */
    public static final String PNG = "png";
    /** Object-store upload. */
    public static final String UPLOAD = "upload";
    /** From taking the record to writing the completion. */
    public static final String TOTAL = "total";

    /** All keys, in pipeline order. */
    public static final List<String> ALL = List.of(QUEUE, TOKENIZE, ENCODE, DENOISE, DECODE, PNG, UPLOAD, TOTAL);

    private TimingKeys() {
    }
}
