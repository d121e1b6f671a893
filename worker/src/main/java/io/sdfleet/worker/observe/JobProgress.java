package io.sdfleet.worker.observe;

/**
 * Where the stages report how far each job has got (best effort, for the caller's progress display; the completion
 * stays the record of truth). Implementations must return at once and never throw: they are called on the poll
 * thread ({@link #queued}) and on the device thread (the rest), between model calls.
 */
public interface JobProgress {

    /** Taken by the worker, waiting for the device. */
    void queued(String jobId, int totalSteps);

    /** On the device (prompt encoded, latents made), prepared together with {@code batchJobs} jobs, at {@code position}. */
    void started(String jobId, int totalSteps, int batchJobs, int position);

    /** {@code step} of {@code totalSteps} denoising steps done (every image of the job). */
    void stepped(String jobId, int step, int totalSteps);

    /** Every step done; its images are being decoded. */
    void decoding(String jobId, int totalSteps);

    /** Decoded; its PNGs go to the store stage (the completion follows). */
    void storing(String jobId, int totalSteps);

    /** Reports nothing. */
    JobProgress NONE = new JobProgress() {
        @Override
        public void queued(String jobId, int totalSteps) {
        }

        @Override
        public void started(String jobId, int totalSteps, int batchJobs, int position) {
        }

        @Override
        public void stepped(String jobId, int step, int totalSteps) {
        }

        @Override
        public void decoding(String jobId, int totalSteps) {
        }

        @Override
        public void storing(String jobId, int totalSteps) {
        }
    };
}
