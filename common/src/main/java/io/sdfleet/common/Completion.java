package io.sdfleet.common;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What happened to one valid job: the value of a record on the completions topic (key = jobId), schema
 * {@value #SCHEMA}.
 *
 * <p>Exactly one completion is written per job (per delivery; with transactions, one a read_committed reader
 * sees). Invalid records get no completion: they go to the DLQ with a {@link FailureEvent}. Lists and maps
 * are copied into unmodifiable ones and are never null, so a completion can be shared between threads.
 *
 * @param schema      {@value #SCHEMA}
 * @param jobId       the request's job id
 * @param status      outcome
 * @param images      stored images in index order; empty unless SUCCEEDED
 * @param error       why the job did not succeed; null on success
 * @param request     the normalized request (defaults applied, seed and jobId filled in)
 * @param workerId    id of the worker that ran the job
 * @param batchSize   number of jobs in the micro-batch this job ran in (0 if it never ran)
 * @param timingsMs   milliseconds per stage, keys are {@link Stage#key()}s; never null
 * @param model       identity of the model used (name and revision), null if none was loaded
 * @param runtime     identity of the runtime (e.g. {@code onnxruntime-1.21.1/cpu}), null if none ran
 * @param warnings    things the caller should know, e.g. {@code "prompt truncated: 12 of 87 tokens cut"}
 * @param completedAt when the completion was written
 * @param modelDigest the model's revision: {@code sha256:} and the hex digest of the model folder's files (what
 *                    the worker loaded, whatever its name); null if no model ran the job (EXPIRED) or it is unknown
 * @param stepsRun    denoising steps the job ran: {@code steps} for txt2img, fewer for a picture at a strength
 *                    below 1 ({@link JobRequest#stepsRun()}); null unless SUCCEEDED. The pictures it started
 *                    from are in {@code request} ({@code initImage}, {@code maskImage}, key and sha256).
 */
public record Completion(
        String schema,
        String jobId,
        CompletionStatus status,
        List<ImageRef> images,
        ErrorInfo error,
        JobRequest request,
        String workerId,
        int batchSize,
        Map<String, Double> timingsMs,
        String model,
        String runtime,
        List<String> warnings,
        Instant completedAt,
        String modelDigest,
        Integer stepsRun) {

    /** The schema id this build writes. */
    public static final String SCHEMA = "sdfleet.completion/v1";

    /** {@link ErrorInfo#code()} of an EXPIRED completion ({@link ErrorCode#DEADLINE_EXCEEDED}). */
    public static final String EXPIRED_CODE = ErrorCode.DEADLINE_EXCEEDED.code();

    public Completion {
        images = images == null ? List.of() : List.copyOf(images);
        timingsMs = timingsMs == null || timingsMs.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A SUCCEEDED completion for a request that ran. */
    public static Completion succeeded(JobRequest request, List<ImageRef> images, String workerId, int batchSize,
            Map<String, Double> timingsMs, String model, String runtime, List<String> warnings,
            Instant completedAt) {
        Objects.requireNonNull(request, "request");
        return new Completion(SCHEMA, request.jobId(), CompletionStatus.SUCCEEDED, images, null, request, workerId,
                batchSize, timingsMs, model, runtime, warnings, completedAt, null, request.stepsRun());
    }

    /** A FAILED completion: the request was valid but could not be run. */
    public static Completion failed(JobRequest request, ErrorInfo error, String workerId, int batchSize,
            Map<String, Double> timingsMs, String model, String runtime, List<String> warnings,
            Instant completedAt) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(error, "error");
        return new Completion(SCHEMA, request.jobId(), CompletionStatus.FAILED, List.of(), error, request, workerId,
                batchSize, timingsMs, model, runtime, warnings, completedAt, null, null);
    }

    /** An EXPIRED completion: the request's deadline passed before a worker started it. */
    public static Completion expired(JobRequest request, String workerId, Map<String, Double> timingsMs,
            Instant completedAt) {
        Objects.requireNonNull(request, "request");
        ErrorInfo error = new ErrorInfo(EXPIRED_CODE,
                "deadline " + request.deadline() + " had passed when the job was taken at " + completedAt);
        return new Completion(SCHEMA, request.jobId(), CompletionStatus.EXPIRED, List.of(), error, request, workerId,
                0, timingsMs, null, null, List.of(), completedAt, null, null);
    }

    /** This completion with the digest of the model that made it ({@link #modelDigest()}). */
    public Completion withModelDigest(String digest) {
        return new Completion(schema, jobId, status, images, error, request, workerId, batchSize, timingsMs, model,
                runtime, warnings, completedAt, digest, stepsRun);
    }
}
