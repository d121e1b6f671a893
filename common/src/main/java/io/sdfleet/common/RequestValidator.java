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
        SchemaIds.problem(r.schema(), JobRequest.SCHEMA, JobRequest.SCHEMA_WITH_IMAGES)
                .ifPresentOrElse(m -> out.add(new Violation("schema", m)), () -> checkSchemaMatchesPictures(out, r));
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
        checkReference(out, "initImage", r.initImage());
        checkReference(out, "maskImage", r.maskImage());
        if (r.maskImage() != null && r.initImage() == null) {
            out.add(new Violation("maskImage", "needs initImage (the picture the mask applies to)"));
        }
        checkStrength(out, r);
        return out;
    }

    /**
     * Denoising steps a job of {@code steps} runs at {@code strength}: diffusers' img2img rule
     * {@code min(int(steps * strength), steps)} (the product in double precision, truncated, as Python's int()).
     */
    public static int stepsRun(int steps, double strength) {
        return Math.min((int) (steps * strength), steps);
    }

    /**
     * {@link #validate(JobRequest)} plus what a worker needs: a jobId and a seed (a request on the topic
     * without them was not sent through the producer library, and cannot be stored or replayed stably), and
     * pictures under the worker's input prefix (checked here, so nothing is ever fetched for a key outside).
     */
    public static List<Violation> validateForWorker(JobRequest r) {
        return validateForWorker(r, null);
    }

    /**
     * {@link #validateForWorker(JobRequest)} with the input-prefix check of a worker whose pictures live under
     * {@code inputPrefix} (null skips it: a producer replaying requests does not know the worker's prefix).
     */
    public static List<Violation> validateForWorker(JobRequest r, String inputPrefix) {
        List<Violation> out = new ArrayList<>(validate(r));
        for (String field : List.of("initImage", "maskImage")) {
            ObjectReference ref = field.equals("initImage") ? r.initImage() : r.maskImage();
            if (inputPrefix != null && ref != null && ObjectReference.keyProblem(ref.key()).isEmpty()) {
                ObjectReference.prefixProblem(ref.key(), inputPrefix)
                        .ifPresent(m -> out.add(new Violation(field, m)));
            }
        }
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

    private static void checkSchemaMatchesPictures(List<Violation> out, JobRequest r) {
        boolean pictures = r.initImage() != null || r.maskImage() != null || r.strength() != null;
        int major = SchemaIds.major(r.schema());
        if (pictures && major == 1) {
            out.add(new Violation("schema", Messages.quote(r.schema()) + " cannot carry initImage, maskImage or"
                    + " strength (a v1 reader would ignore them and run the job from noise); write "
                    + JobRequest.SCHEMA_WITH_IMAGES));
        } else if (!pictures && major == 2) {
            out.add(new Violation("initImage", "is required in " + JobRequest.SCHEMA_WITH_IMAGES
                    + " (a request without a picture is " + JobRequest.SCHEMA + ")"));
        }
    }

    private static void checkReference(List<Violation> out, String field, ObjectReference ref) {
        if (ref != null) {
            ObjectReference.keyProblem(ref.key()).or(() -> ObjectReference.sha256Problem(ref.sha256()))
                    .ifPresent(m -> out.add(new Violation(field, m)));
        }
    }

    private static void checkStrength(List<Violation> out, JobRequest r) {
        Double s = r.strength();
        if (s == null) {
            return;
        }
        if (r.initImage() == null) {
            out.add(new Violation("strength", "applies only to a job with initImage"));
        } else if (!Double.isFinite(s) || s < MIN_STRENGTH || s > MAX_STRENGTH) {
            out.add(new Violation("strength", Messages.outOfRange(Messages.number(s), Messages.number(MIN_STRENGTH),
                    Messages.number(MAX_STRENGTH))));
        } else if (stepsRun(r.steps(), s) < 1) {
            // diffusers raises for this too: the schedule would start after its last step.
            int minSteps = (int) Math.ceil(1 / s);
            out.add(new Violation("strength", "strength " + Messages.number(s) + " with " + r.steps()
                    + " steps runs no denoising step (int(" + r.steps() + " x " + Messages.number(s) + ") = 0);"
                    + " raise strength to at least 1/" + r.steps() + " or steps to at least "
                    + (s > 0 ? Math.min(minSteps, MAX_STEPS) : MAX_STEPS)));
        }
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
