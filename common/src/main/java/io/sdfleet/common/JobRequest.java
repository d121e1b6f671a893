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
 * @param schema          {@value #SCHEMA}; a reader accepts any {@code sdfleet.job/v1.x} and refuses other majors
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
        String regenerationOf) {

    /** The schema id this build writes. */
    public static final String SCHEMA = "sdfleet.job/v1";

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
        private String schema = SCHEMA;
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
        }

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

        public JobRequest build() {
            return new JobRequest(schema, jobId, prompt, negativePrompt, width, height, steps, guidanceScale,
                    scheduler, seed, numImages, model, priority, deadline, metadata, regenerationOf);
        }
    }
}
