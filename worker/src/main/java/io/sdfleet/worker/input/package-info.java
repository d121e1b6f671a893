/**
 * The input stage: fetches, checks and fits the pictures img2img and inpainting jobs start from, beside the poll
 * and device threads, so the device never waits on the object store or on a LANCZOS resize.
 *
 * <p>Flow: the poll loop hands a job that names pictures to {@link io.sdfleet.worker.input.InputStage} instead
 * of the device's waiting jobs; the stage reads each object (bounded), checks its sha256, decodes it within
 * {@link io.sdfleet.worker.input.InputSettings}' limits, fits it to the job's size, and then queues the job for
 * the device with its pictures. A picture that cannot be used completes the job FAILED with its code; an
 * unreachable store hands the job back for redelivery, as the store stage does.
 */
package io.sdfleet.worker.input;
