package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import java.util.List;

/**
 * The diffusion pipeline as the worker's consumer loop sees it: one micro-batch of compatible jobs in,
 * one {@link JobResult} per job out, in the same order.
 *
 * <p>Why an interface: the Kafka loop ({@code consume}) must not know how images are made, and its tests
 * run it against a small deterministic implementation while the pipeline's own tests run the real model.
 *
 * <p>Threading: an implementation owns native runtimes and is called from exactly one thread (the device
 * thread). Jobs in one call share model, width, height, steps and scheduler (the batcher guarantees it);
 * prompt, negative prompt, guidance scale, seed and image count are per job.
 *
 * <p>Failures: a job that fails for its own reasons (its prompt cannot be encoded, the model rejects its
 * size, the model's runtime fails on it alone while the device works) comes back as a {@link JobResult} with
 * an error ({@link JobErrorCodes}) and is completed like any other, and the other jobs of the batch still
 * succeed: one bad request must never stop a worker, let alone the fleet. A fault of the device or runtime
 * itself (out of memory, lost GPU) is thrown as {@link DeviceFault}: the caller does not commit the batch,
 * so its jobs are delivered again.
 */
public interface BatchPipeline extends AutoCloseable {

    /** Runs one micro-batch to the decoded images. */
    List<JobResult> run(List<JobRequest> jobs) throws DeviceFault;

    /** Name of the loaded model, as completion events report it (e.g. "tiny-sd"). */
    String modelName();

    /** Identity of the runtime, as completion events report it (e.g. "onnxruntime-1.21.1/cpu"). */
    String runtimeName();

    /** Largest number of images this pipeline takes in one call (the batcher's upper bound). */
    int maxBatchImages();

    @Override
    void close();
}
