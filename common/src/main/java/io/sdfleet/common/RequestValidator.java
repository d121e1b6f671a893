package io.sdfleet.common;

import static io.sdfleet.common.JobRequestLimits.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link JobRequest} against the ranges of {@link JobRequestLimits}.
 *
 * <p>Why it returns a list instead of throwing: a caller fixing a request wants every problem at once, and
 * the DLQ event lists them all. Each field yields at most one violation (metadata one per bad entry), in
 * component order. Pure and stateless: safe from any thread. A null jobId or seed is valid here, because
 * the producer fills them in; workers check {@link #validateForWorker(JobRequest)} instead.
 */
public final class RequestValidator {

    private RequestValidator() {
    }

    /** Every violated field of a request; empty when the request is valid. */
    public static List<Violation> validate(JobRequest r) {
        List<Violation> out = new ArrayList<>();
        SchemaIds.problem(r.schema(), JobRequest.SCHEMA).ifPresent(m -> out.add(new Violation("schema", m)));
        checkJobId(out, "jobId", r.jobId());
        checkPrompt(out, r.prompt());
        checkText(out, "negativePrompt", r.negativePrompt(), MAX_NEGATIVE_PROMPT_CHARS, "use \"\" for none");
        checkSize(out, "width", r.width());
        checkSize(out, "height", r.height());
        checkRange(out, "steps", r.steps(), MIN_STEPS, MAX_STEPS);
        checkGuidance(out, r.guidanceScale());
        if (r.scheduler() == null) {
            out.add(new Violation("scheduler", "is required; one of " + SchedulerName.wireNames()));
        }
        if (r.seed() != null) {
            checkRange(out, "seed", r.seed(), MIN_SEED, MAX_SEED);
        }
        checkRange(out, "numImages", r.numImages(), MIN_NUM_IMAGES, MAX_NUM_IMAGES);
        checkModel(out, r.model());
        checkRange(out, "priority", r.priority(), MIN_PRIORITY, MAX_PRIORITY);
        checkMetadata(out, r.metadata());
        checkJobId(out, "regenerationOf", r.regenerationOf());
        return out;
    }

    /**
     * {@link #validate(JobRequest)} plus what a worker needs: a jobId and a seed. A request on the topic
     * without them was not sent through the producer library, and cannot be stored or replayed stably.
     */
    public static List<Violation> validateForWorker(JobRequest r) {
        List<Violation> out = new ArrayList<>(validate(r));
        if (r.jobId() == null) {
            out.add(new Violation("jobId", "is required on the topic (the producer library fills it in)"));
        }
        if (r.seed() == null) {
            out.add(new Violation("seed", "is required on the topic (the producer library fills it in)"));
        }
        return out;
    }

    /** Throws {@link InvalidRequestException} listing every violation, if there is any. */
    public static JobRequest requireValid(JobRequest r) {
        List<Violation> v = validate(r);
        if (!v.isEmpty()) {
            throw new InvalidRequestException(v, r.jobId());
        }
        return r;
    }

    private static void checkJobId(List<Violation> out, String field, String id) {
        if (id != null) {
            JobIds.problem(id).ifPresent(problem -> out.add(new Violation(field, problem)));
        }
    }

    private static void checkPrompt(List<Violation> out, String prompt) {
        if (prompt == null) {
            out.add(new Violation("prompt", "is required"));
        } else if (prompt.isBlank()) {
            out.add(new Violation("prompt", "must not be blank"));
        } else {
            checkText(out, "prompt", prompt, MAX_PROMPT_CHARS, null);
        }
    }

    private static void checkText(List<Violation> out, String field, String text, int max, String ifNull) {
        if (text == null) {
            out.add(new Violation(field, "must not be null; " + ifNull));
        } else if (Messages.length(text) > max) {
            out.add(new Violation(field, Messages.tooLong(Messages.length(text), max)));
        }
    }

    private static void checkSize(List<Violation> out, String field, int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            out.add(new Violation(field, Messages.outOfRange(size, MIN_SIZE, MAX_SIZE)
                    + " (and must be a multiple of " + SIZE_MULTIPLE + ")"));
        } else if (size % SIZE_MULTIPLE != 0) {
            int below = size - size % SIZE_MULTIPLE;
            int above = Math.min(below + SIZE_MULTIPLE, MAX_SIZE);
            out.add(new Violation(field, size + " is not a multiple of " + SIZE_MULTIPLE
                    + " (nearest allowed: " + below + " or " + above + ")"));
        }
    }

    private static void checkRange(List<Violation> out, String field, long value, long min, long max) {
        if (value < min || value > max) {
            out.add(new Violation(field, Messages.outOfRange(value, min, max)));
        }
    }

    private static void checkGuidance(List<Violation> out, double g) {
        if (!Double.isFinite(g)) {
            out.add(new Violation("guidanceScale", Messages.number(g) + " is not a finite number; allowed ["
                    + Messages.number(MIN_GUIDANCE_SCALE) + ", " + Messages.number(MAX_GUIDANCE_SCALE) + "]"));
        } else if (g < MIN_GUIDANCE_SCALE || g > MAX_GUIDANCE_SCALE) {
            out.add(new Violation("guidanceScale", Messages.outOfRange(Messages.number(g),
                    Messages.number(MIN_GUIDANCE_SCALE), Messages.number(MAX_GUIDANCE_SCALE))));
        }
    }

    private static void checkModel(List<Violation> out, String model) {
        if (model == null) {
            return;
        }
        if (model.isBlank()) {
            out.add(new Violation("model", "must not be blank (omit it to use the worker's default model)"));
        } else if (Messages.length(model) > MAX_MODEL_CHARS) {
            out.add(new Violation("model", Messages.tooLong(Messages.length(model), MAX_MODEL_CHARS)));
        }
    }

    private static void checkMetadata(List<Violation> out, Map<String, String> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            // Entries are not checked one by one past this point: the list would be as long as the record.
            out.add(new Violation("metadata", "has " + metadata.size() + " entries; at most "
                    + MAX_METADATA_ENTRIES + " allowed"));
            return;
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty()) {
                out.add(new Violation("metadata", "has an empty key; keys are 1.." + MAX_METADATA_KEY_CHARS
                        + " characters"));
                continue;
            }
            String field = metadataField(key);
            if (Messages.length(key) > MAX_METADATA_KEY_CHARS) {
                out.add(new Violation(field, "key " + Messages.tooLong(Messages.length(key), MAX_METADATA_KEY_CHARS)));
            }
            String value = e.getValue();
            if (value == null) {
                out.add(new Violation(field, "value must not be null (use \"\")"));
            } else if (Messages.length(value) > MAX_METADATA_VALUE_CHARS) {
                out.add(new Violation(field, "value " + Messages.tooLong(Messages.length(value),
                        MAX_METADATA_VALUE_CHARS)));
            }
        }
    }

    /** The violation field name of a metadata entry; long keys are cut so the name stays readable. */
    static String metadataField(String key) {
        return "metadata." + (key.length() > MAX_METADATA_KEY_CHARS
                ? key.substring(0, MAX_METADATA_KEY_CHARS) + "..."
                : key);
    }
}
