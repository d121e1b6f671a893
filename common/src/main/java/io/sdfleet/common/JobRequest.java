package io.sdfleet.common;

import static io.sdfleet.common.JobRequestLimits.*;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request to generate images: the value of a record on the requests topic, schema {@value #SCHEMA}.
 *
 * <p>Why a plain record without checks in the constructor: a request read from the wire may be wrong in
 * many fields at once, and the caller wants all of them listed, so range checks live in
 * {@link RequestValidator} and return {@link Violation}s instead of throwing at the first. The constructor
 * only makes the record safe to share between threads: {@code metadata} is copied into an unmodifiable map
 * (never null, insertion order kept so that encoding is stable).
 *
 * <p>Defaults and ranges are in {@link JobRequestLimits}; {@link #builder(String)} applies the defaults.
 * JSON layout: one object whose field names are the component names below; absent optional fields are
 * omitted; unknown fields are ignored by readers; {@code deadline} is an ISO-8601 instant.
 *
 * @param schema          {@value #SCHEMA}, or {@value #SCHEMA_WITH_IMAGES} when it names a picture; a reader accepts
 *                        any minor of these two majors and refuses other majors
 * @param jobId           1..128 characters of {@code [A-Za-z0-9._:-]}, no leading '.', no '..' ({@link JobIds}); Kafka key and object-key component. May be
 *                        null until the producer fills it in.
 * @param prompt          required, 1..{@value JobRequestLimits#MAX_PROMPT_CHARS} characters
 * @param negativePrompt  default {@code ""}, at most {@value JobRequestLimits#MAX_NEGATIVE_PROMPT_CHARS} characters
 * @param width           default {@value JobRequestLimits#DEFAULT_WIDTH}, multiple of 8 in [64, 2048]
 * @param height          default {@value JobRequestLimits#DEFAULT_HEIGHT}, multiple of 8 in [64, 2048]
 * @param steps           default {@value JobRequestLimits#DEFAULT_STEPS}, in [1, 150]
 * @param guidanceScale   default {@value JobRequestLimits#DEFAULT_GUIDANCE_SCALE}, finite, in [0, 30]
 * @param scheduler       default {@code pndm}; on the wire one of the {@link SchedulerName#wireName()}s
 * @param seed            in [0, 4294967295] (what diffusers accepts); null until the producer picks one, so
 *                        that a replayed request makes the same image
 * @param numImages       default {@value JobRequestLimits#DEFAULT_NUM_IMAGES}, in [1, 8]; image i uses seed + i
 * @param model           optional model name, 1..256 characters; null means the worker's default model
 * @param priority        default {@value JobRequestLimits#DEFAULT_PRIORITY}, in [0, 9], higher first
 * @param deadline        optional; a worker that has not started the job by then completes it as EXPIRED
 * @param metadata        caller's string map, passed through untouched; never null; at most 32 entries, keys
 *                        1..64 characters, values at most 1024 characters
 * @param regenerationOf  optional jobId of an earlier job this one re-makes; same format as jobId
 * @param initImage       optional picture to start from (img2img; with {@code maskImage}, inpainting): an object
 *                        under the fleet's input prefix, pinned by sha256. Only in {@value #SCHEMA_WITH_IMAGES}.
 * @param maskImage       optional inpainting mask (white repaints, black keeps); needs {@code initImage}
 * @param strength        how far the picture is re-drawn, in [0, 1]; only with {@code initImage}; null means
 *                        {@value JobRequestLimits#DEFAULT_STRENGTH}. The job runs
 *                        min(int(steps x strength), steps) steps, which must be at least 1.
 */
public record JobRequest(
        String schema,
        String jobId,
        String prompt,
        String negativePrompt,
        int width,
        int height,
        int steps,
        double guidanceScale,
        SchedulerName scheduler,
        Long seed,
        int numImages,
        String model,
        int priority,
        Instant deadline,
        Map<String, String> metadata,
        String regenerationOf,
        ObjectReference initImage,
        ObjectReference maskImage,
        Double strength) {

    /** The schema id of a request that starts from noise (txt2img): every worker reads it. */
    public static final String SCHEMA = "sdfleet.job/v1";

    /**
     * The schema id of a request that starts from a picture. Why a new major: a v1 reader ignores fields it
     * does not know (the minor-version rule), so a worker built before pictures existed would silently run
     * such a request as txt2img. It refuses another major instead (UNSUPPORTED_SCHEMA, to the DLQ), which is
     * the clear refusal the contract promises. Requests without pictures keep writing v1.
     */
    public static final String SCHEMA_WITH_IMAGES = "sdfleet.job/v2";

    /** What a job starts from, decided by which pictures it names. */
    public enum Mode {
        /** From noise. */
        TXT2IMG("txt2img"),
        /** From {@code initImage}, re-drawn at {@code strength}. */
        IMG2IMG("img2img"),
        /** From {@code initImage}, re-drawn where {@code maskImage} is white. */
        INPAINT("inpaint");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        /** The name in catalogs, messages and the README. */
        public String wireName() {
            return wireName;
        }
    }

    /** The schema id a request with (or without) a picture is written with. */
    public static String schemaFor(ObjectReference initImage) {
        return initImage == null ? SCHEMA : SCHEMA_WITH_IMAGES;
    }

    /** TXT2IMG without a picture, INPAINT with a mask, else IMG2IMG. */
    public Mode mode() {
        return initImage == null ? Mode.TXT2IMG : maskImage == null ? Mode.IMG2IMG : Mode.INPAINT;
    }

    /** The strength the job runs at: 1 for txt2img (every step), else the request's or the default. */
    public double effectiveStrength() {
        return initImage == null ? 1.0 : strength == null ? DEFAULT_STRENGTH : strength;
    }

    /**
     * Denoising steps this job runs: all of them for txt2img; for a picture, diffusers' rule
     * min(int(steps x strength), steps), which starts the schedule that many steps before its end.
     */
    public int stepsRun() {
        return RequestValidator.stepsRun(steps, effectiveStrength());
    }

    public JobRequest {
        metadata = metadata == null || metadata.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A builder with every default applied; only the prompt is required. */
    public static Builder builder(String prompt) {
        return new Builder(prompt);
    }

    /** A builder starting from this request's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This request with another job id. */
    public JobRequest withJobId(String newJobId) {
        return toBuilder().jobId(newJobId).build();
    }

    /** This request with another seed. */
    public JobRequest withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    /** This request with {@code regenerationOf} set (the job id of the job it re-makes). */
    public JobRequest withRegenerationOf(String earlierJobId) {
        return toBuilder().regenerationOf(earlierJobId).build();
    }

    /**
     * Builds a {@link JobRequest}, starting from the documented defaults. Not thread-safe; one per request.
     * {@link #build()} does not validate: call {@link RequestValidator#validate(JobRequest)}.
     */
    public static final class Builder {
        private String schema;
        private String jobId;
        private String prompt;
        private String negativePrompt = DEFAULT_NEGATIVE_PROMPT;
        private int width = DEFAULT_WIDTH;
        private int height = DEFAULT_HEIGHT;
        private int steps = DEFAULT_STEPS;
        private double guidanceScale = DEFAULT_GUIDANCE_SCALE;
        private SchedulerName scheduler = DEFAULT_SCHEDULER;
        private Long seed;
        private int numImages = DEFAULT_NUM_IMAGES;
        private String model;
        private int priority = DEFAULT_PRIORITY;
        private Instant deadline;
        private Map<String, String> metadata = new LinkedHashMap<>();
        private String regenerationOf;
        private ObjectReference initImage;
        private ObjectReference maskImage;
        private Double strength;

        private Builder(String prompt) {
            this.prompt = prompt;
        }

        private Builder(JobRequest r) {
            schema = r.schema;
            jobId = r.jobId;
            prompt = r.prompt;
            negativePrompt = r.negativePrompt;
            width = r.width;
            height = r.height;
            steps = r.steps;
            guidanceScale = r.guidanceScale;
            scheduler = r.scheduler;
            seed = r.seed;
            numImages = r.numImages;
            model = r.model;
            priority = r.priority;
            deadline = r.deadline;
            metadata = new LinkedHashMap<>(r.metadata);
            regenerationOf = r.regenerationOf;
            initImage = r.initImage;
            maskImage = r.maskImage;
            strength = r.strength;
        }

        /**
         * Null (the default of {@link JobRequest#builder}) derives it from the pictures at {@link #build()}
         * ({@link JobRequest#schemaFor}). {@link JobRequest#toBuilder()} keeps the request's own schema, so a
         * reader's record stays what it said it was; set null to derive it again.
         */
        public Builder schema(String value) {
            schema = value;
            return this;
        }

        public Builder jobId(String value) {
            jobId = value;
            return this;
        }

        public Builder prompt(String value) {
            prompt = value;
            return this;
        }

        /** Null means the default, {@code ""}. */
        public Builder negativePrompt(String value) {
            negativePrompt = value == null ? DEFAULT_NEGATIVE_PROMPT : value;
            return this;
        }

        public Builder width(int value) {
            width = value;
            return this;
        }

        public Builder height(int value) {
            height = value;
            return this;
        }

        /** Sets width and height. */
        public Builder size(int w, int h) {
            width = w;
            height = h;
            return this;
        }

        public Builder steps(int value) {
            steps = value;
            return this;
        }

        public Builder guidanceScale(double value) {
            guidanceScale = value;
            return this;
        }

        /** Null means the default, {@code pndm}. */
        public Builder scheduler(SchedulerName value) {
            scheduler = value == null ? DEFAULT_SCHEDULER : value;
            return this;
        }

        /** Null means "let the producer choose one". */
        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder numImages(int value) {
            numImages = value;
            return this;
        }

        public Builder model(String value) {
            model = value;
            return this;
        }

        public Builder priority(int value) {
            priority = value;
            return this;
        }

        public Builder deadline(Instant value) {
            deadline = value;
            return this;
        }

        /** Replaces the metadata; null means none. */
        public Builder metadata(Map<String, String> value) {
            metadata = value == null ? new LinkedHashMap<>() : new LinkedHashMap<>(value);
            return this;
        }

        /** Adds one metadata entry. */
        public Builder putMetadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        public Builder regenerationOf(String value) {
            regenerationOf = value;
            return this;
        }

        /** The picture to start from; null for txt2img. */
        public Builder initImage(ObjectReference value) {
            initImage = value;
            return this;
        }

        /**
         * A picture file on this machine: {@code SdfleetProducer} uploads it to the fleet's input prefix
         * (content-addressed, {@code <prefix>/<sha256>.<ext>}) and sends its reference.
         */
        public Builder initImage(java.nio.file.Path file) {
            return initImage(ObjectReference.localFile(file));
        }

        /** A mask file on this machine, uploaded like {@link #initImage(java.nio.file.Path)}. */
        public Builder maskImage(java.nio.file.Path file) {
            return maskImage(ObjectReference.localFile(file));
        }

        /** The inpainting mask; null for none. */
        public Builder maskImage(ObjectReference value) {
            maskImage = value;
            return this;
        }

        /** Null means the default, {@value JobRequestLimits#DEFAULT_STRENGTH}, when there is a picture. */
        public Builder strength(Double value) {
            strength = value;
            return this;
        }

        public Builder strength(double value) {
            strength = value;
            return this;
        }

        public JobRequest build() {
            String s = schema == null ? schemaFor(initImage) : schema;
            return new JobRequest(s, jobId, prompt, negativePrompt, width, height, steps, guidanceScale,
                    scheduler, seed, numImages, model, priority, deadline, metadata, regenerationOf, initImage,
                    maskImage, strength);
        }
    }
}
